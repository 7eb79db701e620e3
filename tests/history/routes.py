from tests.urlcheck import Route

ROUTES = [
    Route("history:list"),
    Route("history:accesses", weak_user="secretary"),
]
