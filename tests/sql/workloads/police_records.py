"""A SQLAlchemy 2.x police-records app, and what its users do with it, for the workload tests.

``run(url, schema=None)`` builds the app's tables with ``metadata.create_all`` and an Alembic
migration (batch mode on SQLite: a table rebuild), all through the status_guard hook installed as
docs/sql.md says, then:

* **local** (a Cambridge officer): sessions with ``add_all`` + flush (SQLAlchemy's
  "insertmanyvalues" INSERT … SELECT … FROM (VALUES …) … RETURNING on PostgreSQL), ``executemany``
  through Core, eager loading (``selectinload``, ``joinedload``), pagination, ``exists()``,
  upserts (``ON CONFLICT DO UPDATE``), JSON/JSONB operators, ORM bulk UPDATE/DELETE, aggregates,
  subqueries, ``with_for_update``, ``session.merge``, cascades. Every refusal is a false block.
* **federal** (an FBI liaison, with the city's declared public-record columns): the queries a
  liaison endpoint makes, plus hostile ones (entities with every column, filters, sorts, LIKE
  searches, failing casts, JSON keys, RETURNING, writable CTEs). No protected sentinel value may
  appear in any returned row, error text or RETURNING.

Returns counts (statements checked / refused / failed closed) and the leaks found (none)."""

import datetime as dt
from typing import Any, List, Optional

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

SENTINELS = {
    "home": "SNTL-HOME 48 Sentinel Ave",
    "work": "SNTL-WORK 9 Sentinel Plaza",
    "release": "2031-03-17",
    "basis": "SNTL-BASIS criminal warrant",
    "json": "SNTL-JSON-HOME",
}
PUBLIC_RECORD = ["persons.id", "persons.full_name", "bookings.id", "bookings.person_id", "bookings.booking_number",
                 "bookings.booked_at", "bookings.charge", "charges.id", "charges.booking_id", "charges.statute",
                 "charges.description"]


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "persons"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[Optional[dt.date]] = mapped_column(Date)
    home_address: Mapped[Optional[str]] = mapped_column(String(300))
    work_address: Mapped[Optional[str]] = mapped_column(String(300))
    bookings: Mapped[List["Booking"]] = relationship(back_populates="person", cascade="all, delete-orphan")


class Booking(Base):
    __tablename__ = "bookings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    booking_number: Mapped[str] = mapped_column(String(20), unique=True)
    booked_at: Mapped[dt.datetime] = mapped_column(DateTime)
    charge: Mapped[str] = mapped_column(String(200))
    release_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    facility: Mapped[Optional[str]] = mapped_column(String(100))
    extra: Mapped[dict] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), default=dict)
    person: Mapped[Person] = relationship(back_populates="bookings")
    charges: Mapped[List["Charge"]] = relationship(back_populates="booking", cascade="all, delete-orphan")
    holds: Mapped[List["Hold"]] = relationship(back_populates="booking", cascade="all, delete-orphan")


class Charge(Base):
    __tablename__ = "charges"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"))
    statute: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    booking: Mapped[Booking] = relationship(back_populates="charges")


class Hold(Base):
    __tablename__ = "holds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"))
    basis: Mapped[str] = mapped_column(String(200))  # a generic name: read as the hold basis (040(d))
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime)
    booking: Mapped[Booking] = relationship(back_populates="holds")


def build_models():
    return Base, Person, Booking, Charge, Hold


def run(url: str, schema: str | None = None) -> dict[str, Any]:
    import sqlalchemy as sa
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy.orm import Session, joinedload, selectinload

    from status_guard import Guard
    from status_guard.context import RequestContext, request_context
    from status_guard.model import Requester
    from status_guard.sql import SQLAnalysisError, SQLRefusedError
    from status_guard.sql.hooks.sqlalchemy import install, uninstall

    kw: dict[str, Any] = {}
    if schema:
        kw["connect_args"] = {"options": f"-csearch_path={schema}"}
    engine = sa.create_engine(url, **kw)
    pg = engine.dialect.name == "postgresql"
    Base, Person, Booking, Charge, Hold = build_models()
    guard = Guard.default(audit="memory:")
    insp = install(engine, guard, scope="police", schema={"tables": {}, "public_record": PUBLIC_RECORD})
    result: dict[str, Any] = {"dialect": engine.dialect.name, "errors": [], "leaks": [], "steps": {},
                              "statements": {}}

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _record(conn, cursor, statement, parameters, context, executemany):  # what the oracle re-checks
        result["statements"].setdefault(statement, parameters is not None)

    def step(name: str, fn, requester: str | None = "local"):
        before = dict(insp.stats)
        ok, out = True, None
        try:
            if requester is None:
                out = fn()
            else:
                with request_context(RequestContext(requester=Requester(requester, "FBI" if requester == "federal"
                                                                        else "CPD"), scope="police")):
                    out = fn()
        except (SQLRefusedError, SQLAnalysisError) as exc:
            ok, out = False, exc
            result["errors"].append({"step": name, "requester": requester, "error": type(exc).__name__,
                                     "message": str(exc)})
        except Exception as exc:  # noqa: BLE001 - reported; the test decides
            ok, out = False, exc
            result["errors"].append({"step": name, "requester": requester, "error": type(exc).__name__,
                                     "message": str(exc)[:600]})
        after = dict(insp.stats)
        result["steps"][name] = {"ok": ok, "requester": requester,
                                 **{k: after.get(k, 0) - before.get(k, 0) for k in set(after) | set(before)}}
        if requester == "federal":
            text = repr(out) + (str(out) if isinstance(out, BaseException) else "")
            for key, s in SENTINELS.items():
                if s in text:
                    result["leaks"].append({"step": name, "sentinel": key})
        return out

    # -- schema: create_all, then an Alembic migration (batch mode rebuilds the table on SQLite) ---
    def create():
        Base.metadata.create_all(engine)

    step("create_all", create, requester=None if False else "local")

    def migrate():
        with engine.begin() as conn:
            op = Operations(MigrationContext.configure(conn))
            with op.batch_alter_table("bookings") as batch:
                batch.add_column(sa.Column("notes", sa.Text, nullable=True))
                batch.create_index("ix_bookings_booked_at", ["booked_at"])
            with op.batch_alter_table("charges") as batch:
                batch.alter_column("statute", type_=sa.String(60), existing_type=sa.String(40))

    step("alembic_migration", migrate)

    # -- local officers --------------------------------------------------------------------------
    t0 = dt.datetime(2026, 11, 1, 8, 0)

    def seed():
        with Session(engine) as s, s.begin():
            people = [Person(full_name=f"Person {i}", date_of_birth=dt.date(1990, 1, 1 + i % 27),
                             home_address=f"{SENTINELS['home']} #{i}", work_address=SENTINELS["work"])
                      for i in range(30)]
            s.add_all(people)
            s.flush()  # insertmanyvalues (RETURNING) on PostgreSQL
            for i, p in enumerate(people):
                b = Booking(person=p, booking_number=f"B-{i:05d}", booked_at=t0 + dt.timedelta(hours=i),
                            charge="operating without a license" if i % 2 else "larceny",
                            release_date=dt.date.fromisoformat(SENTINELS["release"]), facility="Central",
                            extra={"cell": i % 5, "home_address": SENTINELS["json"]})
                b.charges.append(Charge(statute=f"c90 s{i % 10}", description="charge description"))
                if i % 3 == 0:
                    b.holds.append(Hold(basis=SENTINELS["basis"], issued_at=t0))
                s.add(b)
        return True

    step("seed_add_all_flush", seed)

    def core_executemany():
        with engine.begin() as conn:
            conn.execute(sa.insert(Charge.__table__), [
                {"booking_id": 1, "statute": f"c266 s{i}", "description": "added in bulk"} for i in range(12)])
            return conn.execute(sa.select(sa.func.count()).select_from(Charge.__table__)).scalar()

    step("core_executemany", core_executemany)

    def orm_reads():
        with Session(engine) as s:
            page = s.scalars(sa.select(Booking).options(selectinload(Booking.charges), joinedload(Booking.person))
                             .order_by(Booking.booked_at.desc()).limit(10).offset(10)).unique().all()
            one = s.get(Person, 3)
            n = s.scalar(sa.select(sa.func.count()).select_from(Booking).where(Booking.charge == "larceny"))
            ex = s.scalar(sa.select(sa.exists().where(Hold.booking_id == Booking.id)))
            sub = s.scalars(sa.select(Person).where(Person.id.in_(sa.select(Booking.person_id)
                                                                  .where(Booking.facility == "Central")))).all()
            grouped = s.execute(sa.select(Booking.charge, sa.func.count()).group_by(Booking.charge)).all()
            js = s.scalars(sa.select(Booking.id).where(Booking.extra["cell"].as_integer() == 2)).all()
            return len(page), one.full_name if one else None, n, ex, len(sub), grouped, len(js)

    step("orm_reads_eager_pagination", orm_reads)

    def orm_writes():
        with Session(engine) as s, s.begin():
            s.execute(sa.update(Booking).where(Booking.charge == "larceny").values(facility="Annex"))
            s.execute(sa.update(Booking).where(Booking.id == 2).values(extra={"cell": 9}))
            p = s.merge(Person(id=5, full_name="Person 5 (renamed)"))
            s.flush()
            s.execute(sa.delete(Charge).where(Charge.description == "added in bulk"))
            locked = s.scalars(sa.select(Booking).where(Booking.id == 1).with_for_update()).first()
            s.execute(sa.text("UPDATE bookings SET notes = :n WHERE id = :i"), {"n": "checked", "i": locked.id})
            return p.full_name

    step("orm_writes", orm_writes)

    def upsert():
        if pg:
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        with engine.begin() as conn:
            stmt = insert(Charge.__table__).values(id=1, booking_id=1, statute="c90 s10", description="amended")
            conn.execute(stmt.on_conflict_do_update(index_elements=["id"],
                                                    set_={"description": stmt.excluded.description}))
            stmt2 = insert(Person.__table__).values(id=1, full_name="Person 1")
            conn.execute(stmt2.on_conflict_do_nothing(index_elements=["id"]))
        return True

    step("upserts", upsert)

    def holds():
        with Session(engine) as s, s.begin():
            s.add(Hold(booking_id=2, basis="criminal warrant (docket 26-CR-1)", issued_at=t0))
        return True

    step("hold_on_a_criminal_warrant", holds)

    def hold_on_detainer():  # 040(d): refused; this one is *not* a false block
        with Session(engine) as s, s.begin():
            s.add(Hold(booking_id=3, basis="ICE detainer (I-247A)", issued_at=t0))

    result["detainer_refused"] = isinstance(step("hold_on_ice_detainer", hold_on_detainer), SQLRefusedError)

    def delete_cascade():
        with Session(engine) as s, s.begin():
            s.delete(s.get(Person, 29))
        return True

    step("delete_cascade", delete_cascade)
    local = {k: sum(v.get(k, 0) for n, v in result["steps"].items() if v["requester"] in ("local", None)
                    and n != "hold_on_ice_detainer") for k in ("checked", "allowed", "flagged", "refused", "fail_closed")}

    # -- a federal liaison ------------------------------------------------------------------------
    def fed_public_lookup():
        with Session(engine) as s:
            return s.execute(sa.select(Booking.booking_number, Booking.charge, Booking.booked_at, Person.full_name)
                             .join(Person).where(Booking.booking_number == "B-00004")).all()

    step("federal_public_lookup", fed_public_lookup, "federal")
    hostile = {
        "entity": lambda s: s.scalars(sa.select(Booking)).all(),
        "eager_person": lambda s: s.scalars(sa.select(Booking.booking_number).options()).all()
        and s.scalars(sa.select(Person).options(selectinload(Person.bookings))).all(),
        "filter_release": lambda s: s.scalars(sa.select(Booking.booking_number)
                                              .where(Booking.release_date < dt.date(2032, 1, 1))).all(),
        "sort_home": lambda s: s.scalars(sa.select(Person.full_name).order_by(Person.home_address)).all(),
        "like_search": lambda s: s.scalars(sa.select(Person.id).where(Person.home_address.like("SNTL%"))).all(),
        "cast_error": lambda s: s.scalars(sa.select(Person.id).where(sa.cast(Person.home_address, sa.Integer) > 0))
        .all(),
        "json_key": lambda s: s.scalars(sa.select(Booking.extra["home_address"].as_string())).all(),
        "exists_hold": lambda s: s.scalar(sa.select(sa.exists().where(Hold.basis.like("SNTL%")))),
        "count_release": lambda s: s.scalar(sa.select(sa.func.count()).where(Booking.release_date.is_not(None))),
        "returning": lambda s: s.execute(sa.update(Booking).where(Booking.id == 1).values(charge="x")
                                         .returning(Booking.release_date)).all(),
        "text_query": lambda s: s.execute(sa.text("SELECT home_address FROM persons")).all(),
        "writable_cte": lambda s: s.execute(sa.text(
            "WITH d AS (UPDATE holds SET basis = basis WHERE id = 1 RETURNING basis) SELECT * FROM d")).all(),
    }
    for name, fn in hostile.items():
        def go(fn=fn):
            with Session(engine) as s:
                try:
                    return fn(s)
                finally:
                    s.rollback()
        step(f"federal_{name}", go, "federal")
    result["local"] = local
    result["federal"] = {k: sum(v.get(k, 0) for v in result["steps"].values() if v["requester"] == "federal")
                         for k in ("checked", "allowed", "flagged", "refused", "fail_closed")}
    result["audit"] = [r for r in guard.audit.records()] if hasattr(guard.audit, "records") else []
    insp.flush()
    uninstall(engine, insp)
    engine.dispose()
    return result


__all__ = ["PUBLIC_RECORD", "SENTINELS", "build_models", "run"]
