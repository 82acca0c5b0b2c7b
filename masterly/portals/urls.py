from django.urls import include, path

from masterly.portals import language, student_passwords, views

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("role/", views.switch_role, name="switch_role"),
    path("language/", language.language_switch, name="language_switch"),
    path("teacher/", views.teacher_home, name="teacher_home"),
    path("student/", views.student_home, name="student_home"),
    path("family/", views.family_home, name="family_home"),
    path("leader/", views.leader_home, name="leader_home"),
    path("district/", views.district_home, name="district_home"),
    path("classes/<int:section_id>/", views.section_detail, name="section_detail"),
    path("students/<int:student_id>/", views.student_detail, name="student_detail"),
    path("", include("masterly.portals.mastery.urls")),
    path(
        "classes/<int:section_id>/passwords/",
        student_passwords.section_passwords,
        name="section_passwords",
    ),
    path("password/choose/", student_passwords.own_password, name="own_password_choose"),
]
