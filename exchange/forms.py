from django import forms

from .models import FeedOutcome


class FeedRecordFilterForm(forms.Form):
    outcome = forms.ChoiceField(label="处理结果", choices=[("", "全部"), *FeedOutcome.choices], required=False)
    q = forms.CharField(label="查找", max_length=40, required=False, help_text="身份证号开头或处理说明中的文字")


class FeedRecordResolveForm(forms.Form):
    id_number = forms.CharField(
        label="居民身份证号",
        max_length=20,
        help_text="该记录对应的本辖区居民；新生儿未落户的填临时标识（母亲身份证号加B）。",
    )
    note = forms.CharField(label="处理说明", max_length=200, required=False)


class FeedRecordDismissForm(forms.Form):
    note = forms.CharField(label="不予处理的原因", max_length=200)
