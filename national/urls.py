from django.urls import path

from .views import person_query_page

# under /national/
urlpatterns = [
    path("query/", person_query_page, name="national_person_query"),
]
