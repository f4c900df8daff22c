"""The one exception live services raise for a refused command; the consumer turns it into an
``error`` frame (or, while connecting, a close code)."""


class LiveError(Exception):
    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        retry_after: int | None = None,
        close_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.field = field
        self.retry_after = retry_after
        self.close_code = close_code

    def as_frame(self) -> dict:
        frame: dict = {"type": "error", "code": self.code, "message": self.message}
        if self.field:
            frame["field"] = self.field
        if self.retry_after is not None:
            frame["retry_after"] = self.retry_after
        return frame
