from django.contrib import admin

from polls.models import FeedbackQuestions, Poll, PollOption


class PollOptionInline(admin.TabularInline):
    model = PollOption
    extra = 0


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = ["question", "session", "kind", "state", "results_shown"]
    list_filter = ["kind", "state"]
    inlines = [PollOptionInline]


@admin.register(FeedbackQuestions)
class FeedbackQuestionsAdmin(admin.ModelAdmin):
    list_display = ["session", "question_one", "question_two"]
    raw_id_fields = ["session"]
