"""The namespaces, resource types and response processing templates Masterly reads and writes."""

from __future__ import annotations

QTI3 = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
QTI3_SCHEMA = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
QTI2_NAMESPACES = {
    "http://www.imsglobal.org/xsd/imsqti_v2p1",
    "http://www.imsglobal.org/xsd/imsqti_v2p2",
}
QTI_NAMESPACES = QTI2_NAMESPACES | {QTI3}
CP = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
CSM = "http://www.imsglobal.org/xsd/imscsmetadata_v1p0"
MATHML = "http://www.w3.org/1998/Math/MathML"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
# Masterly's own metadata (depth of knowledge, points per standard), beside the standard ones.
MASTERLY = "urn:masterly:qti:1"

ITEM_TYPES = ("imsqti_item_xmlv3p0", "imsqti_item_xmlv2p2", "imsqti_item_xmlv2p1")
TEST_TYPES = ("imsqti_test_xmlv3p0", "imsqti_test_xmlv2p2", "imsqti_test_xmlv2p1")
STIMULUS_TYPES = ("imsqti_stimulus_xmlv3p0",)

# The standard templates by the last part of their address, whatever the version's spelling:
# https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct(.xml) and
# http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct (map_response alike).
TEMPLATES = {"match_correct", "map_response"}
TEMPLATE_URI = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/{name}.xml"


def template_name(uri: str) -> str:
    last = uri.rstrip("/").rsplit("/", 1)[-1]
    return last.removesuffix(".xml")
