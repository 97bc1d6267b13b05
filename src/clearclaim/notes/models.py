"""What the note reader returns: one ``NoteAnalysis`` per note.

Every fact carries the character span and the exact text that supports it, so a
coder can see why the reader said so. Offsets are into the note as given (after
decoding), ``text == note[start:end]``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ElementName = Literal[
    "fluoro_time",
    "indication",
    "radiation_dose",
    "anatomic_site",
    "interpretation_report",
    "physician_presence",
]
ELEMENT_NAMES: tuple[ElementName, ...] = (
    "fluoro_time",
    "indication",
    "radiation_dose",
    "anatomic_site",
    "interpretation_report",
    "physician_presence",
)

MentionStatus = Literal["affirmed", "negated", "hypothetical", "historical"]
PresenceStatus = Literal["affirmed", "negated", "unknown"]
FluoroStatus = Literal[
    "used", "not_used", "hypothetical", "historical", "not_mentioned", "undetermined"
]
Laterality = Literal["left", "right", "bilateral"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TextSpan(_Frozen):
    """Where in the note, and the exact text found there."""

    start: int
    end: int
    text: str
    section: str | None = None


class Measurement(_Frozen):
    """A number with a unit, as written and as normalised.

    kind: ``fluoro_time`` (normalised to seconds), ``dap`` (Gy·cm²),
    ``air_kerma`` (mGy).
    """

    kind: Literal["fluoro_time", "dap", "air_kerma"]
    value: float
    unit: str
    normalized_value: float
    normalized_unit: str
    span: TextSpan


class Mention(_Frozen):
    """One mention of a concept and what ConText and the sections say of it."""

    label: str
    status: MentionStatus
    span: TextSpan


class FoundElement(_Frozen):
    """One documentation element found in the note.

    ``kind`` refines it where the element has variants: for
    ``interpretation_report`` it is ``written_report`` (findings/impression of the
    imaging) or ``tip_position`` (needle or catheter tip position documented);
    for ``radiation_dose`` it is ``dap``, ``air_kerma`` or ``reference`` (dose
    recorded elsewhere and cited).
    """

    element: ElementName
    kinds: list[str] = Field(default_factory=list)
    value: float | None = None
    unit: str | None = None
    normalized_value: float | None = None
    normalized_unit: str | None = None
    spans: list[TextSpan]


class Procedure(_Frozen):
    """One procedure the note describes as done (affirmed mentions only)."""

    type: str
    label: str
    spinal: bool
    region: str | None = None  # cervical_thoracic, lumbar_sacral, sacroiliac, ...
    anatomic_site: str | None = None
    laterality: Laterality | None = None
    levels: list[str] = Field(default_factory=list)
    levels_count: int = 0
    action: str | None = None  # placement / replacement / removal / repositioning (CVAD)
    #: its needle placed by palpation or landmarks (said where it is described),
    #: or the note says no fluoroscopy was used for it ("no fluoroscopy used for
    #: the removal"): no guidance code is this procedure's
    by_landmark: bool = False
    #: its needle placed under ultrasound, and no fluoroscopy named beside it:
    #: the session's fluoroscopic guidance is another procedure's
    by_ultrasound: bool = False
    #: its needle placed under fluoroscopy, and no ultrasound named beside it:
    #: the session's ultrasound guidance is another procedure's
    by_fluoroscopy: bool = False
    #: its needle placed under CT, and no ultrasound or fluoroscopy named beside it
    by_ct: bool = False
    #: the different joints named for a joint procedure (hip, knee ...)
    joints: list[str] = Field(default_factory=list)
    #: the nerves named for a nerve block (genicular, occipital ...)
    nerves: list[str] = Field(default_factory=list)
    #: the organs named for a needle biopsy or aspiration (thyroid, lymph node ...)
    organs: list[str] = Field(default_factory=list)
    #: the limb segments named for a hardware removal (ankle, hand ...)
    segments: list[str] = Field(default_factory=list)
    #: a joint procedure beside a spinal one whose needle position the note gives
    #: only in the spinal procedure's description: the TFESI's "tip in the
    #: posterior foramen" is not the hip injection's
    position_elsewhere: bool = False
    span: TextSpan


class NoteAnalysis(_Frozen):
    """Everything the reader could and could not determine from one note."""

    language: str  # "en", "es", ... or "unknown"
    determinable: bool
    undetermined: list[str] = Field(default_factory=list)
    sections: list[TextSpan] = Field(default_factory=list)
    fluoroscopy: FluoroStatus
    fluoro_mentions: list[Mention] = Field(default_factory=list)
    imaging_modalities: list[str] = Field(default_factory=list)
    measurements: list[Measurement] = Field(default_factory=list)
    elements: dict[str, FoundElement] = Field(default_factory=dict)
    procedures: list[Procedure] = Field(default_factory=list)
    #: procedure types the note says were not done (and never documents as done)
    not_performed: list[str] = Field(default_factory=list)
    physician_presence: PresenceStatus = "unknown"
    has_written_report: bool = False
    has_tip_position: bool = False
    #: imaging during the procedure with no modality named (x-ray views checked in
    #: the operating room): enough to know imaging was part of the procedure
    intraoperative_imaging: list[TextSpan] = Field(default_factory=list)
    #: a needle, wire or catheter placed in this session (what guidance codes guide)
    needle_placed: bool = False
    #: the images are interpreted by another physician (a radiologist's separate report)
    interpreted_elsewhere: bool = False
    #: a conventional arthrogram documented (its views or findings), beyond the
    #: spot image that confirms a needle before CT or MR arthrography
    arthrogram_series: bool = False
    #: the injection is for a CT or MR arthrogram (named in the note)
    cross_sectional_arthrography: bool = False
    #: a templated note with at least one box ticked: it was filled in
    form_answered: bool = False
    #: the ultrasound image of a vascular access kept ("recorded"), said not to
    #: be kept ("not_recorded"), or not said ("unknown"): 76937 asks for it
    ultrasound_image: Literal["recorded", "not_recorded", "unknown"] = "unknown"
    #: the accessed vessel's patency documented (76937 asks for it too)
    vessel_patency: bool = False
    #: a PICC or other non-tunneled catheter taken out, and no tunneled one
    nontunneled_removal_only: bool = False

    def found(self, element: str) -> bool:
        return element in self.elements

    @property
    def fluoro_time_seconds(self) -> float | None:
        el = self.elements.get("fluoro_time")
        return el.normalized_value if el else None

    @property
    def vascular_ultrasound(self) -> Literal["complete", "partial", "bare", "none"]:
        """What the note shows of ultrasound guidance for vascular access (76937):
        "complete" (the vessel's patency and a kept image), "partial" (one of
        them), "bare" (ultrasound named, neither) or "none" (no ultrasound)."""
        if "ultrasound" not in self.imaging_modalities:
            return "none"
        shown = int(self.vessel_patency) + int(self.ultrasound_image == "recorded")
        return ("bare", "partial", "complete")[shown]

    @property
    def spinal_procedure(self) -> bool:
        return any(p.spinal for p in self.procedures)

    def documentation_found(self) -> dict[str, list[dict[str, object]]]:
        """The report's ``documentation.found``: element -> supporting spans."""
        return {
            name: [span.model_dump() for span in el.spans]
            for name, el in sorted(self.elements.items())
        }
