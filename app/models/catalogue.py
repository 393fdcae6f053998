"""The service catalogue: departments and the services citizens apply for."""
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import BigId


class Department(db.Model):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: Three letters (BSK SoP Appendix 1), the first part of every UIN.
    code: Mapped[str] = mapped_column(String(3), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_bn: Mapped[str | None] = mapped_column(String(200))


class Service(db.Model):
    __tablename__ = "service"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: Stable key, also the BPMN process id and the file stem in bpmn/ forms/ certificate_templates/.
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_bn: Mapped[str | None] = mapped_column(String(200))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    #: Three digits, unique within the department (UIN characters 4–6).
    service_code: Mapped[str] = mapped_column(String(3))
    #: GP, BLOCK or DISTRICT: the level of the processing office (input of the routing DMN).
    level: Mapped[str] = mapped_column(String(20))
    bilingual: Mapped[bool] = mapped_column(Boolean, default=False)
    tatkal_available: Mapped[bool] = mapped_column(Boolean, default=False)
    fifo_enforced: Mapped[bool] = mapped_column(Boolean, default=False)
    fee: Mapped[int] = mapped_column(Integer, default=0)
    #: Checklist: [{"type", "name", "name_bn", "required"}].
    documents: Mapped[list] = mapped_column(JSON, default=list)
    #: Published SLA (SoP onboarding table): {"total_days", "steps": [...]}.
    sla: Mapped[dict] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: DigiLocker document type code (e.g. ``INCER``) under which DigiLocker pulls this certificate;
    #: None = not offered through DigiLocker (docs/digilocker.md).
    digilocker_doc_type: Mapped[str | None] = mapped_column(String(10))

    department = relationship("Department", lazy="joined")

    def required_document_types(self) -> list[str]:
        return [d["type"] for d in self.documents or [] if d.get("required")]

    def to_api(self) -> dict:
        return {
            "key": self.key,
            "name": {"en": self.name, "bn": self.name_bn},
            "department": {"code": self.department.code, "name": self.department.name},
            "service_code": self.service_code,
            "level": self.level,
            "bilingual": self.bilingual,
            "tatkal_available": self.tatkal_available,
            "fifo_enforced": self.fifo_enforced,
            "fee": self.fee,
            "documents": [{"type": d["type"], "name": d["name"], "required": bool(d.get("required"))}
                          for d in self.documents or []],
            "sla": self.sla or {"total_days": None, "steps": []},
            "digilocker_doc_type": self.digilocker_doc_type,
        }
