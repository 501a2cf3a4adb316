# Progress schedules get a method (months ÷ 12, days, custom shares); scoring schemes vetoes.

from fractions import Fraction

from django.db import migrations, models


def custom_where_not_even(apps, schema_editor):
    """Schedules stored before methods existed: shares other than month/12 are custom."""
    schedule_model = apps.get_model("assessments", "ProgressSchedule")
    even = [Fraction(m, 12) for m in range(1, 13)]
    for schedule in schedule_model.objects.all():
        shares = [Fraction(str(s)) for s in schedule.shares or []]
        if shares and shares != even:
            schedule.method = "custom"
            schedule.save(update_fields=["method"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_supervision"),
    ]

    operations = [
        migrations.AddField(
            model_name="progressschedule",
            name="method",
            field=models.CharField(
                choices=[
                    ("months", "Months elapsed ÷ 12"),
                    ("days", "Days elapsed ÷ days in the year"),
                    ("custom", "A share for each month"),
                ],
                default="months",
                max_length=10,
                verbose_name="method",
            ),
        ),
        migrations.AlterField(
            model_name="progressschedule",
            name="shares",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Used by the custom method only.",
                verbose_name="cumulative shares by month",
            ),
        ),
        migrations.AddField(
            model_name="scoringscheme",
            name="vetoes",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='e.g. [{"input": "completion", "below": "1"}]: a total of 0 below it.',
                verbose_name="vetoes (一票否决)",
            ),
        ),
        migrations.RunPython(custom_where_not_even, migrations.RunPython.noop),
    ]
