from django.db import models


class FeedOutcome(models.TextChoices):
    APPLIED = "applied", "已处理"
    UNCHANGED = "unchanged", "无变化"
    QUEUED = "queued", "待人工处理"
    REJECTED = "rejected", "退回"
    RESOLVED = "resolved", "已人工处理"
