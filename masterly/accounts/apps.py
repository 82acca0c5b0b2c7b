from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "masterly.accounts"
    label = "accounts"
    verbose_name = "Accounts"
