"""Exit 0 when the PostgreSQL URL given as argument accepts a connection, else 1."""

from __future__ import annotations

import sys

import sqlalchemy as sa


def main(url: str) -> int:
    """Try one connection with a short timeout."""
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 5})
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as err:
        print(f"pgcheck: {err.__class__.__name__}: {str(err).splitlines()[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
