"""/sru: the SRU 1.2 and 2.0 server over the union catalogue."""

from django.http import HttpResponse


def sru(request):
    return HttpResponse(status=501)
