"""The demo's job titles and the statistical form's occupation group of each."""

from grassroots.people.models import Occupation

GROUPS = {
    "Học sinh": Occupation.PUPIL,
    "Sinh viên": Occupation.UNIVERSITY_STUDENT,
    "Giáo viên": Occupation.PUBLIC_EMPLOYEE,
    "Nhân viên trường học": Occupation.PUBLIC_EMPLOYEE,
    "Bác sĩ": Occupation.PUBLIC_EMPLOYEE,
    "Dược sĩ": Occupation.PUBLIC_EMPLOYEE,
    "Điều dưỡng": Occupation.PUBLIC_EMPLOYEE,
    "Y sĩ": Occupation.PUBLIC_EMPLOYEE,
    "Nhân viên y tế": Occupation.PUBLIC_EMPLOYEE,
    "Viên chức": Occupation.PUBLIC_EMPLOYEE,
    "Sĩ quan quân đội": Occupation.ARMED_FORCES,
    "Sĩ quan công an": Occupation.ARMED_FORCES,
    "Chiến sĩ": Occupation.ARMED_FORCES,
    "Dân quân": Occupation.OTHER,
    "Công chức": Occupation.STATE_OFFICIAL,
    "Nhân viên văn phòng": Occupation.NON_PUBLIC_EMPLOYEE,
    "Công chức xã": Occupation.COMMUNE_OFFICIAL,
    "Cán bộ đoàn thể": Occupation.PARTY_MASS_ORG_OFFICIAL,
    "Kỹ sư": Occupation.WORKER,
    "Kế toán": Occupation.WORKER,
    "Công nhân": Occupation.WORKER,
    "Quản lý doanh nghiệp": Occupation.ENTERPRISE_MANAGER,
    "Chủ doanh nghiệp tư nhân": Occupation.BUSINESS_OWNER,
    "Nông dân": Occupation.FARMER,
    "Buôn bán": Occupation.OTHER,
    "Thợ may": Occupation.OTHER,
    "Bộ đội xuất ngũ": Occupation.OTHER,
    "Lao động tự do": Occupation.OTHER,
}


def group_of(job_title):
    """The occupation group of a demo job title (`other` for one not listed)."""
    return GROUPS.get(job_title, Occupation.OTHER).value
