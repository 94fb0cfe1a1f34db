"""A checker of Presentation API 3.0 documents: what iiif-prezi3's models do not check.

It walks a Manifest, Collection or AnnotationPage and reports, per resource type, the
REQUIRED properties the specification lists, the properties the official validator's
schema does not allow (it rejects unknown Manifest and AnnotationPage properties), the
shapes of language maps, links and services, rights URIs, navDate, and duplicate ids.
"""

from __future__ import annotations

import re

LINKED = ("thumbnail", "homepage", "rendering", "seeAlso", "partOf", "logo")
MANIFEST_KEYS = {
    "@context", "id", "type", "label", "metadata", "summary", "requiredStatement", "rendering",
    "service", "services", "viewingDirection", "placeholderCanvas", "accompanyingCanvas",
    "rights", "start", "navDate", "navPlace", "provider", "seeAlso", "thumbnail", "homepage",
    "behavior", "partOf", "items", "structures", "annotations",
}  # fmt: skip
PAGE_KEYS = {
    "@context", "id", "type", "rendering", "label", "service", "thumbnail", "items", "partOf",
    "next", "prev", "first", "last",
}  # fmt: skip
RIGHTS = re.compile(
    r"^http://(creativecommons\.org/(licenses|publicdomain)/|rightsstatements\.org/vocab/)"
)
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
URI = re.compile(r"^https?://\S+$")
CONTEXT = "http://iiif.io/api/presentation/3/context.json"


class Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.ids: dict[str, str] = {}

    def fail(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def need(self, node: dict, where: str, *keys: str) -> None:
        for key in keys:
            if key not in node:
                self.fail(where, f"missing required {key}")

    def uri(self, value, where: str) -> None:
        if not isinstance(value, str) or not URI.match(value):
            self.fail(where, f"not an http(s) URI: {value!r}")

    def identify(self, node: dict, where: str) -> None:
        self.uri(node.get("id"), f"{where}.id")
        if node.get("id") in self.ids:
            self.fail(where, f"id {node['id']} already used by {self.ids[node['id']]}")
        self.ids[node.get("id")] = where

    def lang_map(self, value, where: str) -> None:
        ok = isinstance(value, dict) and value
        ok = ok and all(
            isinstance(lang, str)
            and re.fullmatch(r"[a-zA-Z-]+", lang)
            and isinstance(texts, list)
            and texts
            and all(isinstance(text, str) for text in texts)
            for lang, texts in value.items()
        )
        if not ok:
            self.fail(where, f"not a language map: {value!r}")

    def context(self, node: dict, where: str) -> None:
        context = node.get("@context")
        if context is None:
            self.fail(where, "missing @context on the top-level resource")
        elif isinstance(context, list):
            if context[-1] != CONTEXT:
                self.fail(where, "the presentation context must be the last @context")
        elif context != CONTEXT:
            self.fail(where, f"unexpected @context {context!r}")

    def descriptive(self, node: dict, where: str) -> None:
        if "label" in node:
            self.lang_map(node["label"], f"{where}.label")
        if "summary" in node:
            self.lang_map(node["summary"], f"{where}.summary")
        pairs = list(node.get("metadata", []))
        if "requiredStatement" in node:
            pairs.append(node["requiredStatement"])
        for index, pair in enumerate(pairs):
            self.need(pair, f"{where}.metadata[{index}]", "label", "value")
            for key in ("label", "value"):
                self.lang_map(pair.get(key), f"{where}.metadata[{index}].{key}")
        if "rights" in node and not RIGHTS.match(node["rights"]):
            self.fail(where, f"rights not a CC or RightsStatements.org URI: {node['rights']}")
        if "navDate" in node and not DATE_TIME.match(node["navDate"]):
            self.fail(where, f"navDate not an xsd:dateTime with timezone: {node['navDate']}")

    def linking(self, node: dict, where: str) -> None:
        for key in LINKED:
            for index, item in enumerate(node.get(key, [])):
                spot = f"{where}.{key}[{index}]"
                self.need(item, spot, "id", "type")
                self.uri(item.get("id"), f"{spot}.id")
                if key in ("homepage", "rendering"):
                    self.need(item, spot, "label", "format")
                if "label" in item:
                    self.lang_map(item["label"], f"{spot}.label")
                self.services(item, spot)
        for index, agent in enumerate(node.get("provider", [])):
            spot = f"{where}.provider[{index}]"
            self.need(agent, spot, "id", "type", "label")
            if agent.get("type") != "Agent":
                self.fail(spot, "provider type must be Agent")
            self.linking(agent, spot)
        self.services(node, where)

    def services(self, node: dict, where: str) -> None:
        for key in ("service", "services"):
            value = node.get(key, [])
            if not isinstance(value, list):
                self.fail(where, f"{key} must be a list")
                continue
            for index, service in enumerate(value):
                spot = f"{where}.{key}[{index}]"
                if not ({"id", "type"} <= set(service) or {"@id", "@type"} <= set(service)):
                    self.fail(spot, "a service needs id and type (or @id and @type)")
                self.services(service, spot)

    def manifest(self, node: dict, where: str = "Manifest") -> None:
        self.context(node, where)
        self.need(node, where, "id", "type", "label", "items")
        self.identify(node, where)
        for key in set(node) - MANIFEST_KEYS:
            self.fail(where, f"property {key!r} is not allowed on a Manifest")
        if not node.get("items"):
            self.fail(where, "a Manifest must have at least one Canvas")
        self.descriptive(node, where)
        self.linking(node, where)
        for index, canvas in enumerate(node.get("items", [])):
            self.canvas(canvas, f"{where}.items[{index}]")

    def canvas(self, node: dict, where: str) -> None:
        self.need(node, where, "id", "type", "width", "height", "items")
        self.identify(node, where)
        if node.get("type") != "Canvas":
            self.fail(where, "type must be Canvas")
        for key in ("width", "height"):
            if not isinstance(node.get(key), int) or node.get(key, 0) <= 0:
                self.fail(where, f"{key} must be a positive integer")
        self.descriptive(node, where)
        self.linking(node, where)
        for index, page in enumerate(node.get("items", [])):
            self.annotation_page(page, f"{where}.items[{index}]", canvas=node)
        for index, page in enumerate(node.get("annotations", [])):
            spot = f"{where}.annotations[{index}]"
            self.need(page, spot, "id", "type")
            if "items" in page:
                self.annotation_page(page, spot, canvas=node)

    def annotation_page(self, node: dict, where: str, canvas: dict | None = None) -> None:
        self.need(node, where, "id", "type", "items")
        self.identify(node, where)
        if node.get("type") != "AnnotationPage":
            self.fail(where, "type must be AnnotationPage")
        for key in set(node) - PAGE_KEYS:
            self.fail(where, f"property {key!r} is not allowed on an AnnotationPage")
        for index, annotation in enumerate(node.get("items", [])):
            self.annotation(annotation, f"{where}.items[{index}]", canvas)

    def annotation(self, node: dict, where: str, canvas: dict | None) -> None:
        self.need(node, where, "id", "type", "motivation", "target")
        self.identify(node, where)
        target = node.get("target", "")
        target_id = target.split("#", 1)[0] if isinstance(target, str) else ""
        if canvas is not None and target_id != canvas.get("id"):
            self.fail(where, f"target {target!r} is not the Canvas {canvas.get('id')}")
        body = node.get("body", {})
        if node.get("motivation") == "painting":
            self.need(body, f"{where}.body", "id", "type", "format")
            self.uri(body.get("id"), f"{where}.body.id")
            self.services(body, f"{where}.body")
            for key in ("width", "height"):
                if not isinstance(body.get(key), int) or body.get(key, 0) <= 0:
                    self.fail(f"{where}.body", f"{key} must be a positive integer")
        elif body.get("type") == "TextualBody":
            self.need(body, f"{where}.body", "value")

    def collection(self, node: dict, where: str = "Collection") -> None:
        self.context(node, where)
        self.need(node, where, "id", "type", "label", "items")
        self.identify(node, where)
        self.descriptive(node, where)
        self.linking(node, where)
        for index, item in enumerate(node.get("items", [])):
            spot = f"{where}.items[{index}]"
            self.need(item, spot, "id", "type", "label")
            self.uri(item.get("id"), f"{spot}.id")
            self.lang_map(item.get("label"), f"{spot}.label")
            if item.get("type") not in ("Manifest", "Collection"):
                self.fail(spot, f"type {item.get('type')!r} in a Collection")
            if "items" in item:
                self.fail(spot, "a referenced Manifest or Collection must not embed items")


def problems(document: dict) -> list[str]:
    checker = Checker()
    kind = document.get("type")
    if kind == "Manifest":
        checker.manifest(document)
    elif kind == "Collection":
        checker.collection(document)
    elif kind == "AnnotationPage":
        checker.context(document, "AnnotationPage")
        checker.annotation_page(document, "AnnotationPage")
    else:
        checker.fail("document", f"unexpected type {kind!r}")
    return checker.problems
