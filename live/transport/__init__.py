"""The live room's transport: sockets, frames, the channel layer (see live/README.md)."""
