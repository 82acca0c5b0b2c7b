"""Packages written by hand for the QTI tests, and the item bank's small standards tree."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.items.conftest import Tree, png, tree  # noqa: F401 (fixtures used here)

QTI3 = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
QTI21 = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
CSM = "http://www.imsglobal.org/xsd/imscsmetadata_v1p0"
MATHML = "http://www.w3.org/1998/Math/MathML"


def resource(
    identifier: str,
    href: str,
    *,
    standards: tuple[str, ...] = (),
    kind: str = "imsqti_item_xmlv3p0",
    files: tuple[str, ...] = (),
) -> str:
    guids = "".join(
        f"<csm:labelledGUID><csm:GUID>{guid}</csm:GUID></csm:labelledGUID>" for guid in standards
    )
    metadata = (
        f'<metadata><csm:curriculumStandardsMetadataSet xmlns:csm="{CSM}">'
        f"<csm:curriculumStandardsMetadata><csm:setOfGUIDs>{guids}</csm:setOfGUIDs>"
        "</csm:curriculumStandardsMetadata></csm:curriculumStandardsMetadataSet></metadata>"
        if standards
        else ""
    )
    listed = "".join(f'<file href="{path}"/>' for path in (href, *files))
    opening = f'<resource identifier="{identifier}" type="{kind}" href="{href}">'
    return f"{opening}{metadata}{listed}</resource>"


def manifest(*resources: str, identifier: str = "pkg-1") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><manifest xmlns="{CP}" identifier="{identifier}">'
        f"<metadata><schema>QTI Package</schema></metadata><organizations/>"
        f"<resources>{''.join(resources)}</resources></manifest>"
    )


def choice_item(
    identifier: str = "Q1",
    *,
    stem: str = "<p>What is 3 + 4?</p>",
    key: str = "B",
    cardinality: str = "single",
    extra_body: str = "",
) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="{QTI3}" identifier="{identifier}" title="Sum" adaptive="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="{cardinality}"
    base-type="identifier">
    <qti-correct-response><qti-value>{key}</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
  <qti-item-body>{stem}{extra_body}
    <qti-choice-interaction response-identifier="RESPONSE" max-choices="1">
      <qti-simple-choice identifier="A">12</qti-simple-choice>
      <qti-simple-choice identifier="B">7</qti-simple-choice>
      <qti-simple-choice identifier="C">1</qti-simple-choice>
    </qti-choice-interaction>
  </qti-item-body>
  <qti-response-processing template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"/>
</qti-assessment-item>"""


def hotspot_item(identifier: str = "H1") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="{QTI3}" identifier="{identifier}" title="Map">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier"/>
  <qti-item-body><p>Click the capital.</p>
    <qti-hotspot-interaction response-identifier="RESPONSE" max-choices="1"/>
  </qti-item-body>
</qti-assessment-item>"""


def zipped(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return buffer.getvalue()


def write_zip(tmp_path: Path, files: dict[str, str | bytes], name: str = "package.zip") -> Path:
    path = tmp_path / name
    path.write_bytes(zipped(files))
    return path


@pytest.fixture
def simple_package(tree: Tree, tmp_path: Path) -> Path:  # noqa: F811
    return write_zip(
        tmp_path,
        {
            "imsmanifest.xml": manifest(
                resource("R1", "items/q1.xml", standards=(tree.rp_a_1.identifier,))
            ),
            "items/q1.xml": choice_item(),
        },
    )
