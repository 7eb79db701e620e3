"""Factories for records a test needs beyond the town."""

import datetime as dt

import factory

from grassroots.people.models import Person


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    national_id = factory.Sequence(lambda n: f"079{n:09d}")
    full_name = factory.Iterator(
        ["Nguyễn Văn Bình", "Trần Thị Mai", "Lê Hoàng Nam", "Phan Thị Thu"]
    )
    gender = factory.Iterator(["male", "female"])
    birth_date = dt.date(1995, 5, 5)
    education = "university"
