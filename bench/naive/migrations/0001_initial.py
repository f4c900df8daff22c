from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="Question",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("text", models.TextField()),
                ("language", models.CharField(default="en", max_length=8)),
                ("asker", models.CharField(max_length=100)),
                ("agency", models.CharField(blank=True, max_length=32)),
                ("state", models.CharField(default="approved", max_length=16)),
                ("votes", models.PositiveIntegerField(default=0)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
    ]
