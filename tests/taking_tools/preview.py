"""A test-only page holding the tools toolbar and one item marked for text-to-speech, as the
take pages mark theirs: the tools are tried here without the take pages (and no such page
exists in production). ``?tools=`` names the tools on, comma separated."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import include, path

from masterly.assessments.models import ItemVersion, Tool
from masterly.assessments.taking.accommodations import options_shown

STIMULUS = "A recipe uses 2 cups of flour for every 3 cups of milk."

PAGE = """{% extends "base.html" %}{% block title %}Question 1{% endblock %}
{% block content %}
<h1>Question 1</h1>
{% include "portals/taking/_tools.html" %}
<div data-test-content>
  <section class="card" aria-label="Passage">
    <p data-tts-part="stimulus" data-tts-label="Passage">{{ stimulus }}</p>
  </section>
  <fieldset class="card">
    <legend><span data-tts-part="stem" data-tts-label="Question 1">
      {{ version.stem_html|safe }}</span></legend>
    <ul>{% for choice in options %}
      <li><input type="radio" name="answer" id="choice-{{ choice.pk }}" value="{{ choice.pk }}">
        <label for="choice-{{ choice.pk }}" data-tts-part="option"
          data-tts-label="Option {{ choice.letter }}">{{ choice.content_html|safe }}</label></li>
    {% endfor %}</ul>
  </fieldset>
  <label for="answer-text">Your working</label>
  <textarea id="answer-text" rows="3"></textarea>
</div>
{% endblock %}"""


def tools_preview(request: HttpRequest, version_id: int) -> HttpResponse:
    version = get_object_or_404(ItemVersion, pk=version_id)
    tools = frozenset(request.GET.get("tools", "").split(",")) & frozenset(Tool.values)
    options = options_shown(version, Tool.REDUCED_ANSWER_CHOICES in tools)
    context = {"tools": tools, "version": version, "options": options, "stimulus": STIMULUS}
    return HttpResponse(engines["django"].from_string(PAGE).render(context, request))


urlpatterns = [
    path("tools-preview/<int:version_id>/", tools_preview, name="tools_preview"),
    path("", include("config.urls")),
]
