"""Times the main pages on the current database (DATABASE_URL or DATA_DIR) as a superuser.

Run on a database filled by `grassroots generate`, e.g.
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench .venv/bin/python -W ignore bench/pages_bench.py
"""
import os, time, statistics
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
import django
django.setup()
from django.test import Client
from django.contrib.auth import get_user_model
from grassroots.org.models import Unit
User = get_user_model()
user, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True, "is_staff": True})
if not user.is_superuser:
    user.is_superuser = True; user.save()
c = Client()
c.force_login(user)
root = Unit.objects.filter(depth=1).order_by("path").first()
mid = Unit.objects.filter(depth=3).order_by("path").first()
leaf = Unit.objects.filter(depth=6).order_by("path").first()
urls = [("tree", "/units/"), ("unit root", f"/units/{root.code}/"), ("unit mid", f"/units/{mid.code}/"),
        ("people root", "/people/"), ("search root", "/people/?q=nguyen+van+an"), ("search id", "/people/?q=0000123"),
        ("people leaf", f"/people/?unit={leaf.code}"), ("worklist", "/deadlines/"), ("history", "/history/"),
        ("members", "/pipeline/members/"), ("api people", "/api/people?limit=50")]
for name, url in urls:
    times = []
    for i in range(3):
        t = time.perf_counter(); r = c.get(url); times.append((time.perf_counter() - t) * 1000)
    print(f"{name:12} {url[:40]:40} {r.status_code} min {min(times):8.1f} ms  med {statistics.median(times):8.1f} ms")
