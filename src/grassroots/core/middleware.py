"""Response headers every page gets."""

from django.utils.cache import patch_cache_control


def no_store(get_response):
    """Nothing the app answers is kept in a browser's or a proxy's cache: pages and exports
    show personal data, and a shared computer must not give it to the next user. Static
    files are served by WhiteNoise above this middleware and stay cacheable."""

    def middleware(request):
        response = get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware
