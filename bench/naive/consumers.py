"""Room and publisher consumers, written the way the Channels tutorial teaches."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.db.models import F

from bench.naive.models import Question

ROOM = "room"


class RoomConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add(ROOM, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(ROOM, self.channel_name)

    async def qa_event(self, event):
        question = await database_sync_to_async(Question.objects.get)(pk=event["id"])
        if event["event"] == "question.votes":
            await self.send_json(
                {
                    "type": "question.votes",
                    "k": event["k"],
                    "id": question.pk,
                    "votes": question.votes,
                }
            )
            return
        await self.send_json(
            {
                "type": "question.approved",
                "k": event["k"],
                "question": {
                    "id": question.pk,
                    "text": question.text,
                    "language": question.language,
                    "asker": question.asker,
                    "agency": question.agency,
                    "votes": question.votes,
                    "state": question.state,
                    "created_at": question.created_at.isoformat(),
                },
            }
        )


class PublisherConsumer(AsyncJsonWebsocketConsumer):
    """The bench publisher: writes each event to the database, then tells the group."""

    async def connect(self):
        self.ids: dict[int, int] = {}  # the publisher's question index -> primary key
        await self.accept()

    async def receive_json(self, content):
        question_id = await database_sync_to_async(self.store)(content)
        await self.channel_layer.group_send(
            ROOM,
            {"type": "qa.event", "id": question_id, "k": content["k"], "event": content["type"]},
        )

    def store(self, content) -> int:
        if content["type"] == "question.votes":
            Question.objects.filter(pk=self.ids[content["id"]]).update(votes=F("votes") + 1)
            return self.ids[content["id"]]
        data = content["question"]
        question = Question.objects.create(
            text=data["text"],
            language=data["language"],
            asker=data["asker"],
            agency=data["agency"],
        )
        self.ids[data["id"]] = question.pk
        return question.pk
