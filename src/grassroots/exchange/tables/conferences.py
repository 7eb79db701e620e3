"""Conferences with their participants and conclusions, their follow-up tasks, and the
praise and criticism recorded by conferences and supervision findings.

A conference is known by its committee, date and title; its participants are one cell
(`W1:12/15; W2:present; HS:absent; W3`: attendees of invited, or only present/absent)
and its conclusions one JSON object (`{"1": "text", "2": "text"}`), which the tasks name
by number. A recognition is known by its unit, date, kind and person, and names its
conference (committee, date, title) or its finding (inspecting unit, date, kind).
"""

import re

from django.utils.translation import gettext as _

from grassroots.accounts.roles import Action
from grassroots.conferences.models import (
    Conclusion,
    Conference,
    Participation,
    Recognition,
    Task,
)
from grassroots.conferences.services import units_not_below
from grassroots.history.models import Change
from grassroots.org.models import Cluster, Sector
from grassroots.plans.models import Finding

from ..format import COLUMNS, KEYS, parse_value
from .base import Applier, people_by_national_id

PARTICIPANT = re.compile(r"^(?P<code>[^:\s;]+)(?::(?P<what>present|absent|\d{1,5}(?:/\d{1,5})?))?$")


def participants_text(participations):
    """The participants cell: codes in tree order, with what is known of their attendance."""
    parts = []
    for p in participations:
        text = p.unit.code
        if p.attendees is not None:
            text += f":{p.attendees}" + (f"/{p.invited}" if p.invited is not None else "")
        elif p.present is not None:
            text += ":present" if p.present else ":absent"
        parts.append(text)
    return "; ".join(parts)


def parse_participants(text):
    """[(code, present, attendees, invited)] or None when the cell cannot be read."""
    found = []
    for part in (text or "").split(";"):
        part = part.strip()
        if not part:
            continue
        match = PARTICIPANT.match(part)
        if match is None:
            return None
        what = match.group("what")
        present = attendees = invited = None
        if what == "present":
            present = True
        elif what == "absent":
            present = False
        elif what:
            numbers = what.split("/")
            attendees = int(numbers[0])
            invited = int(numbers[1]) if len(numbers) > 1 else None
            present = attendees > 0
        found.append((match.group("code"), present, attendees, invited))
    return found


def _conference_key(c):
    return (c.committee.code, c.date, c.title)


class ConferenceApplier(Applier):
    file = "conferences"
    reference_columns = ("committee_code",)
    model = Conference
    names = {"committee_code": "committee"}

    def check(self, row):
        v = row.values
        if v["period_to"] < v["period_from"]:
            self.error(row, "period_to", _("the period ends before it starts"))
            return False
        if v.get("cluster") and v.get("sector"):
            self.error(row, "sector", _("a conference is of a cluster or of a sector, not both"))
            return False
        if parse_participants(v.get("participants", "")) is None:
            self.error(
                row, "participants", _("write CODE, CODE:present, CODE:absent or CODE:12/15")
            )
            return False
        conclusions = v.get("conclusions") or {}
        if any(not k.isdigit() or not isinstance(t, str) for k, t in conclusions.items()):
            self.error(row, "conclusions", _('write {"1": "text", "2": "text"}'))
            return False
        return True

    def resolve(self, rows):
        codes = [r.values["committee_code"] for r in rows]
        for r in rows:
            codes += [p[0] for p in parse_participants(r.values.get("participants", "")) or ()]
        refs = self.ctx.units.get_many(codes)
        clusters = dict(Cluster.objects.values_list("name", "pk"))
        sectors = dict(Sector.objects.values_list("name", "pk"))
        kept = []
        for r in rows:
            if not self.resolve_unit(r, "committee_code", refs, Action.DECIDE):
                continue
            ok = True
            for column, known in (("cluster", clusters), ("sector", sectors)):
                name = r.values.get(column)
                if name and name not in known:
                    self.error(
                        r, column, _("unknown %(what)s %(name)s") % {"what": column, "name": name}
                    )
                    ok = False
                r.refs[column] = known.get(name) if name else None
            participants = []
            committee = r.refs["committee_code"]
            listed = parse_participants(r.values.get("participants", "")) or ()
            known = [refs[code] for code, *_rest in listed if code in refs]
            outside = {ref.id for ref in units_not_below(committee, known, r.values["date"])}
            for code, present, attendees, invited in listed:
                ref = refs.get(code)
                if ref is None:
                    self.error(r, "participants", _("unknown unit %(code)s") % {"code": code})
                    ok = False
                elif ref.id in outside:
                    self.error(
                        r,
                        "participants",
                        _("unit %(code)s is not below the committee") % {"code": code},
                    )
                    ok = False
                else:
                    participants.append((ref.id, present, attendees, invited))
            r.refs["participants"] = participants
            if ok:
                kept.append(r)
        return kept

    def load(self, rows):
        found = Conference.objects.filter(
            committee_id__in={r.refs["committee_code"].id for r in rows},
            date__in={r.values["date"] for r in rows},
        ).select_related("committee", "cluster", "sector")
        return {_conference_key(c): c for c in found}

    def as_row(self, c):
        participations = getattr(c, "_participations", None)
        if participations is None:
            participations = c.participations.select_related("unit").order_by("unit__path")
        conclusions = getattr(c, "_conclusions", None)
        if conclusions is None:
            conclusions = c.conclusions.order_by("id")
        return {
            "committee_code": c.committee.code,
            "date": c.date,
            "title": c.title,
            "cluster": c.cluster.name if c.cluster_id else "",
            "sector": c.sector.name if c.sector_id else "",
            "place": c.place,
            "chair": c.chair,
            "period_from": c.period_from,
            "period_to": c.period_to,
            "participants": participants_text(participations),
            "conclusions": {str(n): k.text for n, k in enumerate(conclusions, start=1)},
        }

    def assign(self, c, row, values):
        c.committee_id = row.refs["committee_code"].id
        c.cluster_id = row.refs["cluster"]
        c.sector_id = row.refs["sector"]
        for column in ("date", "title", "place", "chair", "period_from", "period_to"):
            setattr(c, column, values[column])

    def update_fields(self):
        return ["committee", "cluster", "sector", "date", "title", "place", "chair",
                "period_from", "period_to"]  # fmt: skip

    def after_write(self, created, updated):
        changes = []
        for row, conference, _before, _after in created + updated:
            if "participants" in row.values:
                changes += _sync_participants(self, conference, row.refs["participants"])
            if "conclusions" in row.values:
                changes += _sync_conclusions(self, conference, row.values["conclusions"] or {})
        Change.objects.bulk_create(changes)

    def describe(self, row, obj):
        v = row.values
        return f"{v['committee_code']} {v['date']} {v['title']}"


def _sync_participants(applier, conference, wanted):
    existing = {p.unit_id: p for p in conference.participations.all()}
    changes = []
    for unit_id, present, attendees, invited in wanted:
        p = existing.pop(unit_id, None)
        values = {"present": present, "attendees": attendees, "invited": invited}
        before = None
        if p is None:
            p = Participation.objects.create(conference=conference, unit_id=unit_id, **values)
            action = Change.Action.CREATE
        elif any(getattr(p, k) != v for k, v in values.items()):
            before = _attendance(p)
            for key, value in values.items():
                setattr(p, key, value)
            p.save(update_fields=list(values))
            action = Change.Action.UPDATE
        else:
            continue
        changes.append(
            applier.ctx.change(
                p.pk, Participation, action=action, before=before, after=values, repr_=str(p)
            )
        )
    for p in existing.values():
        # What the participation was, kept in its history row as it goes.
        changes.append(
            applier.ctx.change(
                p.pk, Participation, action=Change.Action.DELETE, before=_attendance(p),
                after=None, repr_=str(p),
            )
        )  # fmt: skip
        p.delete()
    return changes


def _attendance(participation):
    return {key: getattr(participation, key) for key in ("present", "attendees", "invited")}


def _sync_conclusions(applier, conference, texts):
    """Conclusions by number: the n-th keeps its record (its tasks name it), its text
    follows the file; new numbers add conclusions."""
    existing = list(conference.conclusions.order_by("id"))
    changes = []
    for n in sorted(int(k) for k in texts):
        text = texts[str(n)]
        while len(existing) < n:
            conclusion = Conclusion.objects.create(conference=conference, text=text)
            existing.append(conclusion)
            changes.append(
                applier.ctx.change(
                    conclusion.pk, Conclusion, action=Change.Action.CREATE, before=None,
                    after={"text": text}, repr_=text[:60],
                )
            )  # fmt: skip
        conclusion = existing[n - 1]
        if conclusion.text != text:
            before = {"text": conclusion.text}
            conclusion.text = text
            conclusion.save(update_fields=["text"])
            changes.append(
                applier.ctx.change(
                    conclusion.pk, Conclusion, action=Change.Action.UPDATE, before=before,
                    after={"text": text}, repr_=text[:60],
                )
            )  # fmt: skip
    return changes


def _conferences_for(rows, prefix="conference_"):
    """{(committee code, date, title): conference} for the rows' conference columns."""
    found = Conference.objects.filter(
        committee__code__in={r.values[f"{prefix}committee_code"] for r in rows},
        date__in={r.values[f"{prefix}date"] for r in rows},
    ).select_related("committee")
    return {_conference_key(c): c for c in found}


class ConferenceTaskApplier(Applier):
    file = "conference_tasks"
    reference_columns = ("conference_committee_code", "unit_code")
    model = Task
    names = {"unit_code": "unit"}

    def check(self, row):
        v = row.values
        done = v.get("completed_on")
        if done is not None and done < v["conference_date"]:
            self.error(row, "completed_on", _("lies before the conference"))
            return False
        return True

    def resolve(self, rows):
        conferences = _conferences_for(rows)
        refs = self.ctx.units.get_many([r.values["unit_code"] for r in rows])
        kept = []
        for r in rows:
            v = r.values
            conference = conferences.get(
                (v["conference_committee_code"], v["conference_date"], v["conference_title"])
            )
            if conference is None:
                self.error(r, "conference_title", _("unknown conference"))
                continue
            if not self.allowed(
                r, "conference_committee_code", Action.DECIDE, conference.committee
            ):
                continue
            conclusions = list(conference.conclusions.order_by("id"))
            n = v["conclusion_no"]
            if not 1 <= n <= len(conclusions):
                self.error(
                    r, "conclusion_no", _("the conference has no conclusion %(n)s") % {"n": n}
                )
                continue
            if not self.resolve_unit(r, "unit_code", refs):
                continue
            unit = r.refs["unit_code"]
            if units_not_below(conference.committee, [unit], conference.date):
                self.error(r, "unit_code", _("the unit is not below the committee"))
                continue
            r.refs["conclusion"] = conclusions[n - 1]
            kept.append(r)
        return kept

    def load(self, rows):
        found = Task.objects.filter(
            conclusion_id__in={r.refs["conclusion"].pk for r in rows}
        ).select_related("unit", "conclusion__conference__committee")
        keyed = {}
        for t in found:
            row = self.as_row(t)
            keyed[tuple(row[k] for k in self.key_columns())] = t
        return keyed

    @staticmethod
    def key_columns():
        return KEYS["conference_tasks"]

    def as_row(self, t):
        conference = t.conclusion.conference
        number = getattr(t, "_conclusion_no", None)
        if number is None:
            ids = list(conference.conclusions.order_by("id").values_list("id", flat=True))
            number = ids.index(t.conclusion_id) + 1
        return {
            "conference_committee_code": conference.committee.code,
            "conference_date": conference.date,
            "conference_title": conference.title,
            "conclusion_no": number,
            "unit_code": t.unit.code,
            "action": t.action,
            "role": t.role,
            "due_on": t.due_on,
            "completed_on": t.completed_on,
            "completion_note": t.completion_note,
        }

    def assign(self, t, row, values):
        t.conclusion = row.refs["conclusion"]
        t.unit_id = row.refs["unit_code"].id
        for column in ("action", "role", "due_on", "completed_on", "completion_note"):
            setattr(t, column, values[column])

    def update_fields(self):
        return ["conclusion", "unit", "action", "role", "due_on", "completed_on",
                "completion_note"]  # fmt: skip

    def describe(self, row, obj):
        v = row.values
        return f"{v['unit_code']} {v['due_on']} {v['action'][:40]}"


class RecognitionApplier(Applier):
    file = "recognitions"
    reference_columns = ("unit_code",)
    model = Recognition
    names = {"unit_code": "unit", "national_id": "person"}

    ORIGIN = ("conference_committee_code", "conference_date", "conference_title")
    FINDING = ("finding_by_unit_code", "finding_date", "finding_kind")

    def check(self, row):
        v = row.values
        conference = all(v.get(c) for c in self.ORIGIN)
        finding = all(v.get(c) for c in self.FINDING)
        if conference == finding:
            self.error(
                row,
                "conference_title",
                _("name the conference or the finding (all of its columns), not both"),
            )
            return False
        # The source is part of the key: a file may leave out the columns of the source it
        # does not use, which then read as empty cells.
        for column in COLUMNS[self.file]:
            if column.name in (*self.ORIGIN, *self.FINDING):
                v.setdefault(column.name, parse_value(column, ""))
        return True

    def resolve(self, rows):
        refs = self.ctx.units.get_many(
            [r.values["unit_code"] for r in rows]
            + [r.values.get("finding_by_unit_code") for r in rows]
        )
        with_conference = [r for r in rows if r.values.get("conference_title")]
        conferences = _conferences_for(with_conference) if with_conference else {}
        people = people_by_national_id(
            [r.values.get("national_id") for r in rows], self.ctx.scope_user
        )
        kept = []
        for r in rows:
            v = r.values
            if not self.resolve_unit(r, "unit_code", refs):
                continue
            unit = r.refs["unit_code"]
            r.refs["conference"] = r.refs["finding"] = None
            if v.get("conference_title"):
                conference = conferences.get(tuple(v[c] for c in self.ORIGIN))
                if conference is None:
                    self.error(r, "conference_title", _("unknown conference"))
                    continue
                if not self.allowed(
                    r, "conference_committee_code", Action.DECIDE, conference.committee
                ):
                    continue
                if units_not_below(conference.committee, [unit], conference.date):
                    self.error(r, "unit_code", _("the unit is not below the committee"))
                    continue
                r.refs["conference"] = conference
            else:
                by_unit = refs.get(v["finding_by_unit_code"])
                finding = (
                    Finding.objects.filter(
                        by_unit_id=getattr(by_unit, "id", None),
                        date=v["finding_date"],
                        kind=v["finding_kind"],
                        unit__path__lte=unit.path,
                    )
                    .select_related("unit", "by_unit")
                    .order_by("id")
                )
                finding = next((f for f in finding if unit.path.startswith(f.unit.path)), None)
                if finding is None:
                    self.error(r, "finding_date", _("unknown finding"))
                    continue
                if not self.allowed(r, "finding_by_unit_code", Action.DECIDE, finding.by_unit):
                    continue
                r.refs["finding"] = finding
            r.refs["person"] = None
            if v.get("national_id"):
                person = people.get(v["national_id"])
                if person is None:
                    self.error(
                        r, "national_id", _("unknown person %(id)s") % {"id": v["national_id"]}
                    )
                    continue
                r.refs["person"] = person
            kept.append(r)
        return kept

    def load(self, rows):
        found = Recognition.objects.filter(
            unit_id__in={r.refs["unit_code"].id for r in rows},
            date__in={r.values["date"] for r in rows},
        ).select_related("unit", "person", "conference__committee", "finding__by_unit")
        keyed = {}
        for x in found:
            row = self.as_row(x)
            keyed[tuple(row[k] for k in KEYS[self.file])] = x
        return keyed

    def as_row(self, x):
        conference, finding = x.conference, x.finding
        return {
            "unit_code": x.unit.code,
            "date": x.date,
            "kind": x.kind,
            "national_id": x.person.national_id if x.person_id else "",
            "text": x.text,
            "decision": x.decision,
            "document_ref": x.document_ref,
            "conference_committee_code": conference.committee.code if conference else None,
            "conference_date": conference.date if conference else None,
            "conference_title": conference.title if conference else "",
            "finding_by_unit_code": finding.by_unit.code if finding else None,
            "finding_date": finding.date if finding else None,
            "finding_kind": finding.kind if finding else "",
        }

    def assign(self, x, row, values):
        x.unit_id = row.refs["unit_code"].id
        x.person = row.refs["person"]
        x.conference = row.refs["conference"]
        x.finding = row.refs["finding"]
        for column in ("date", "kind", "text", "decision", "document_ref"):
            setattr(x, column, values[column])

    def describe(self, row, obj):
        v = row.values
        return f"{v['unit_code']} {v['date']} {v['kind']}"
