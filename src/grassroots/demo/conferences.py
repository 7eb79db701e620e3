"""The demo's thematic conference: the town committee's conference of the cluster Gò Nổi
in January 2025 on the year 2024, its attendance, a conclusion with tasks (one done, one
still open), and the praise it gave."""

import datetime as dt

from grassroots.conferences import services
from grassroots.org.models import Cluster

from . import story, structure

DAY = dt.date(2025, 1, 15)


def load_conference(trace, units):
    """Record the conference through the services (history included); returns it."""
    town = units[story.TOWN_CODE]
    conference = services.conference_create(
        trace=trace,
        committee=town,
        cluster=Cluster.objects.get(name=structure.GO_NOI),
        title="Hội nghị chuyên đề phát triển đảng viên cụm Gò Nổi",
        date=DAY,
        place="Hội trường Thị ủy Điện Bàn",
        chair="Đồng chí Phó Bí thư Thường trực Thị ủy",
        period_from=dt.date(2024, 1, 1),
        period_to=dt.date(2024, 12, 31),
    )
    for number, participation in enumerate(
        conference.participations.select_related("unit").order_by("unit__path")
    ):
        services.participation_record(
            trace=trace,
            participation=participation,
            attendees=8 + number,
            invited=10 + number,
        )
    services.conclusion_add(
        trace=trace,
        conference=conference,
        text=(
            "Các đảng bộ xã, phường trong cụm rà soát nguồn quần chúng ưu tú ở các doanh "
            "nghiệp và trường học; mỗi đảng bộ giới thiệu ít nhất năm quần chúng học lớp "
            "nhận thức về Đảng trong quý I/2025."
        ),
        tasks=[
            {
                "unit": units[structure.locality_code("DP")],
                "role": "secretary",
                "action": "Giới thiệu năm quần chúng ưu tú ở hai doanh nghiệp trên địa bàn",
                "due_on": dt.date(2025, 3, 31),
            },
            {
                "unit": units[structure.locality_code("DQ")],
                "role": "secretary",
                "action": "Lập danh sách nguồn phát triển đảng ở các thôn chưa có nguồn",
                "due_on": dt.date(2025, 4, 30),
            },
        ],
    )
    done = conference.conclusions.get().tasks.get(unit__code=structure.locality_code("DP"))
    services.task_complete(
        trace=trace,
        task=done,
        completed_on=dt.date(2025, 3, 20),
        note="Đã giới thiệu sáu quần chúng; bốn người học lớp nhận thức tháng 3/2025.",
    )
    services.recognition_record(
        trace=trace,
        conference=conference,
        kind="commend",
        unit=units[structure.locality_code("DP")],
        date=DAY,
        text="Vượt chỉ tiêu phát triển đảng viên năm 2024; nguồn quần chúng ưu tú dồi dào.",
        decision="Tặng giấy khen của Ban Thường vụ Thị ủy",
        document_ref="QĐ 215-QĐ/TU",
    )
    return conference
