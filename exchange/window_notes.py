"""The notes the exchange gives the window on a person (enrollment.window_notes): a school roll naming a first-time
university or technical-school student, for whom the window quotes R9.1 when the clerk chooses 大中专学生首次参保."""

import datetime

from accounts.models import User
from core.formatting import date_prose_text
from enrollment.models import Resident

from .selectors import student_first_enrollment_roll


def student_roll_note(user: User, resident: Resident, today: datetime.date) -> str:
    roll = student_first_enrollment_roll(user=user, resident=resident, today=today)
    if roll is None:
        return ""
    return (
        f"教育部门学籍：{roll.school_name}（{roll.school_division.name}）{roll.get_school_type_display()}新生，"
        f"{date_prose_text(roll.enrolment_date)}入学。首次在学籍地参保缴费的，特殊群体选“大中专学生首次参保”，"
        "待遇享受期自缴费之日起至次年12月31日，无等待期（R9.1）。"
    )
