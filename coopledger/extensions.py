"""Flask extensions, created unbound and bound by the app factory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_compress import Compress
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from coopledger.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
compress = Compress()   # gzip of HTML, CSS, JS and JSON responses

# Models subclass ``Model``: Flask-SQLAlchemy builds ``db.Model`` at run time (a subclass of
# ``Base`` with its bind and query helpers), which type checkers cannot see.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
