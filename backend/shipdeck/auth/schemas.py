from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, EmailStr, Field

from shipdeck.validation import STRICT_BODY, DisplayName, Password


class SignupRequest(BaseModel):
    model_config = STRICT_BODY

    email: EmailStr = Field(max_length=254)
    password: Password
    name: DisplayName


class LoginRequest(BaseModel):
    model_config = STRICT_BODY

    email: EmailStr = Field(max_length=254)
    # No length rule beyond a bound: a sign-in must never reveal the password policy per account.
    password: str = Field(min_length=1, max_length=256)


class UserOut(BaseModel):
    id: str
    email: str
    name: str
    created_at: datetime


class LoginResponse(BaseModel):
    token: str = Field(description="Send as `Authorization: Bearer <token>` (API clients).")
    expires_at: datetime
    user: UserOut
