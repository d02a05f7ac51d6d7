from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0006_invitation"),
    ]

    operations = [
        migrations.AddField(
            model_name="clinic",
            name="crisis_contacts",
            field=models.TextField(
                blank=True,
                help_text="Who a client can call or text in a crisis, one per line (for "
                "example: “988 Suicide & Crisis Lifeline: call or text 988”).",
                max_length=2000,
                verbose_name="crisis contacts",
            ),
        ),
    ]
