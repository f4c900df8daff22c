from django.db import models


class Question(models.Model):
    text = models.TextField()
    language = models.CharField(max_length=8, default="en")
    asker = models.CharField(max_length=100)
    agency = models.CharField(max_length=32, blank=True)
    state = models.CharField(max_length=16, default="approved")
    votes = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.text[:40]
