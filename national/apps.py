from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "national"
    verbose_name = "国家医保信息平台"
