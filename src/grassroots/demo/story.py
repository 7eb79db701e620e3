"""The figures of the seed article, which the demo town reproduces exactly.

The seed (`/work/shared/seed/`, a German translation of Báo Quảng Nam's article "Điện Bàn,
a bright spot in developing party members") quotes these figures; each constant below names
the sentence it comes from. `grassroots demo` builds data from which the product's own
reports give these numbers, and `tests/demo/test_story.py` checks every one of them.

Where the article is silent the demo chooses, and says so here:

- the term of the ward committee of Điện Phương runs 2020-07-01..2025-06-30 (the commune
  congresses of 2020 to the abolition of the district level on 1 July 2025);
- the town's target for 2021–2023 is 345, so that 428 is 124.1 % ("124 %"), and for 2024
  it is 150, so that 220 is 146.7 % (the article truncates to "146,6 %");
- of the 428 admitted in 2021–2023, 243 hold a university degree (56.8 %; the article's
  "56,7 %" again truncated);
- the 87 pupils of the August 2023 course came from the town's five high schools; the
  five Phạm Phú Thứ pupils admitted in school year 2023/24 are among the 35 admitted.
"""

import datetime as dt

TOWN_CODE = "DB"
TOWN_NAME = "Đảng bộ thị xã Điện Bàn"

# "Im Zeitraum 2021–2023 nahm das Parteikomitee 428 neue Mitglieder auf (124 % des vom
# Provinzparteikomitee festgelegten Ziels); davon verfügten 56,7 % über einen Hochschulabschluss."
PERIOD_2021_2023 = (dt.date(2021, 1, 1), dt.date(2023, 12, 31))
ADMITTED_2021_2023 = 428
TARGET_2021_2023 = 345
ACHIEVEMENT_2021_2023 = "124.1"
UNIVERSITY_2021_2023 = 243

# "Allein im Jahr 2024 hat der Stadtparteiausschuss bis zum 15. November beschlossen, 220
# Parteimitglieder aufzunehmen (was 146,6 % des ... Plans entspricht); davon sind 56 %
# weibliche Parteimitglieder und 50,4 % Parteimitglieder mit Hochschulabschluss."
PERIOD_2024_TO_NOV_15 = (dt.date(2024, 1, 1), dt.date(2024, 11, 15))
YEAR_2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
ADMITTED_2024_TO_NOV_15 = 220
TARGET_2024 = 150
WOMEN_2024_TO_NOV_15 = 123  # 55.9 %, "56 %"
UNIVERSITY_2024_TO_NOV_15 = 111  # 50.5 %, "50,4 %"
# The rest of 2024 (16 November to 31 December), not in the article.
ADMITTED_2024_AFTER_NOV_15 = 11

# "In Dien Phuong hat der Parteiausschuss des Wahlkreises seit Beginn der Amtszeit 37 neue
# Parteimitglieder gewonnen ... Im Jahr 2021 wurden ... lediglich 5 Parteimitglieder
# ausgebildet, womit das Beschlussziel von 5–6 Parteimitgliedern pro Jahr erreicht wurde.
# Im Jahr 2024 waren es hingegen 14."
DIEN_PHUONG_CODE = "DB-DP"
DIEN_PHUONG_TERM = (dt.date(2020, 7, 1), dt.date(2025, 6, 30))
DIEN_PHUONG_TERM_ADMITTED = 37
DIEN_PHUONG_BY_YEAR = {2021: 5, 2022: 6, 2023: 7, 2024: 14}
DIEN_PHUONG_2025_IN_TERM = 5  # 1 January to 30 June 2025: 5 + 6 + 7 + 14 + 5 = 37
DIEN_PHUONG_YEAR_TARGET = (5, 6)  # "5–6 Parteimitglieder pro Jahr" (Resolution No. 04)
DIEN_PHUONG_TERM_TARGET = (25, 30)  # five years of 5–6
DIEN_PHUONG_RESOLUTION = "Nghị quyết số 04-NQ/ĐU"

# "... im August 2023 ... einen Kurs zur Parteiaufklärung für 87 Gymnasiasten organisiert
# habe. Bis zum 30. Mai 2024 wurden 35 Schülerinnen und Schüler der High School in die
# Partei aufgenommen; derzeit haben 34 Fälle ihre Parteitätigkeit an Universitäten
# verlagert, und in einem Fall hat sich die Parteitätigkeit an ein College verlagert."
COURSE_2023_08 = "DB-2023-08"
COURSE_2023_08_DATES = (dt.date(2023, 8, 14), dt.date(2023, 8, 18))
COURSE_2023_08_PUPILS = 87
COURSE_2023_08_ADMITTED_BY = dt.date(2024, 5, 30)
COURSE_2023_08_ADMITTED = 35
COURSE_2023_08_TO_UNIVERSITY = 34
COURSE_2023_08_TO_COLLEGE = 1

# "Dadurch wurden im Schuljahr 2023/24 ein Lehrer und fünf Schüler der Partei in die Partei
# aufgenommen. Im Schuljahr 2024/25 absolvierten sechs Schüler und zwei Lehrer der Schule den
# Parteisympathiekurs."
PPT_CODE = "DB-PPT"
PPT_NAME = "Chi bộ Trường THPT Phạm Phú Thứ"
SCHOOL_YEAR_2023_24 = (dt.date(2023, 9, 5), dt.date(2024, 5, 31))
PPT_TEACHERS_ADMITTED_2023_24 = 1
PPT_PUPILS_ADMITTED_2023_24 = 5
COURSE_2025_03 = "DB-2025-03"  # school year 2024/25
PPT_PUPILS_TRAINED_2024_25 = 6
PPT_TEACHERS_TRAINED_2024_25 = 2

# "Darüber hinaus hat der Stadtparteiausschuss bis zum jetzigen Zeitpunkt im Jahr 2024 ein
# Parteimitglied aufgenommen, das ein Geschäftsinhaber ist; ein religiöses Parteimitglied;
# ein Parteimitglied, das einer ethnischen Minderheit angehört, und einen Wiederaufnahmefall."
BUSINESS_OWNERS_2024 = 1
RELIGIOUS_2024 = 1
ETHNIC_MINORITY_2024 = 1
READMISSIONS_2024 = 1
BUSINESS_OWNER_OCCUPATION = "Chủ doanh nghiệp tư nhân"

# Not in the article: the size of the demo town.
PEOPLE = 5000
RANDOM_SEED = 20241115
DEMO_PASSWORD = "demo"
