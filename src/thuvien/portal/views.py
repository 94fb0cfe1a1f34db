from django.shortcuts import render


def home(request):
    return render(request, "portal/home.html")


def permission_denied(request, exception=None):
    return render(request, "portal/403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request, exception=None):
    return render(request, "portal/404.html", status=404)
