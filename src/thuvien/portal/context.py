from django.conf import settings


def site(request):
    return {"THUVIEN_VERSION": __import__("thuvien").__version__, "DEBUG": settings.DEBUG}
