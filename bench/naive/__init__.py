"""The naive peer: the usual Django Channels design for a live Q&A room.

Daphne, channels_redis' core RedisChannelLayer, one group per room, ``group_send`` of a
small message naming the question, and in every consumer one database read of that
question and ``send_json`` (so the event is serialised once per recipient). This is how
the Channels tutorial and most projects do it; it is here to be measured, not used.
"""
