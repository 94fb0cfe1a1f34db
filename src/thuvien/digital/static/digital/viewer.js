/* Object viewer: Mirador 4 with one window on one IIIF Presentation 3 manifest. Settings come
   from data- attributes of the container (templates/digital/_viewer.html), so the page needs no
   inline script.

   Mirador 4.0 understands only IIIF Content Search 1.0: it looks for a service whose `profile` is
   http://iiif.io/api/search/1/search and reads 1.0 AnnotationLists (`resources`, `hits`,
   `within`). Our manifests declare Content Search 2.0 (`"type": "SearchService2"`, no profile)
   and the service answers with 2.0 AnnotationPages, so two request postprocessors adapt them in
   the browser: the manifest's SearchService2 gets the 1.0 profile Mirador looks for, and each
   2.0 response is rewritten as the 1.0 AnnotationList Mirador draws. */
(function () {
  "use strict";

  var SEARCH1 = "http://iiif.io/api/search/1/search";
  var HIT_MOTIVATIONS = ["highlighting", "contextualizing"];

  // Mirador 4.0.0's Vietnamese labels: the missing ones (i18next has only the "other" plural
  // form for Vietnamese, and the file gives "_one" forms only) and a few wrong ones (zoom in and
  // zoom out are swapped; "right" as a side is not "Quyền").
  var VI = {
    zoomIn: "Phóng to",
    zoomOut: "Thu nhỏ",
    right: "Phải",
    attribution: "Ghi công",
    copy: "Sao chép",
    dismiss: "Đóng",
    toggleWindowSideBar: "Bật/tắt thanh bên",
    searchSubmitAria: "Thực hiện tìm kiếm",
    digitizedView: "Ảnh số hoá",
    untitled: "[Không nhan đề]",
    downloadExport: "Xuất vùng làm việc",
    downloadExportWorkspace: "Xuất vùng làm việc",
    nextCanvas: "Trang tiếp theo",
    previousCanvas: "Trang trước",
    iiif_related: "Liên quan",
    layer_moveToBackground: "Chuyển lớp xuống dưới cùng",
    layer_moveToFront: "Chuyển lớp lên trên cùng",
    multipartCollection: "Bộ sưu tập nhiều phần",
    numItems_other: "{{number}} mục",
    searchResultsRemaining: "còn {{numLeft}}",
    showingNumAnnotations_other: "Hiện {{number}} chú giải",
    totalCollections_other: "{{count}} bộ sưu tập",
    totalManifests_other: "{{count}} bản kê",
    viewWorkspaceConfiguration: "Xem cấu hình vùng làm việc"
  };

  function asArray(value) {
    if (value === undefined || value === null) { return []; }
    return Array.isArray(value) ? value : [value];
  }

  function idOf(value) {
    return typeof value === "string" ? value : (value && (value.id || value["@id"])) || null;
  }

  function escapeHtml(s) {
    // Mirador renders hit text as (sanitised) HTML; OCR text is plain text.
    return String(s).replace(/[&<>]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;" }[c];
    });
  }

  // ---- the manifest: SearchService2 shown to Mirador as a 1.0 search service --------------

  function isSearch2(service) {
    return service && typeof service === "object" &&
      (service.type === "SearchService2" || service["@type"] === "SearchService2");
  }

  function adaptServices(list) {
    return asArray(list).map(function (service) {
      if (!isSearch2(service) || service.profile) { return service; }
      // The nested AutoCompleteService2 is left alone: Mirador fetches autocompletion itself,
      // outside the postprocessors, and would expect 1.0 TermLists.
      var copy = Object.assign({}, service, { profile: SEARCH1 });
      delete copy.service;
      return copy;
    });
  }

  function adaptManifest(url, action) {
    var json = action && action.manifestJson;
    if (!json || typeof json !== "object") { return action; }
    var manifest = Object.assign({}, json);
    if (json.service) { manifest.service = adaptServices(json.service); }
    if (json.services) { manifest.services = adaptServices(json.services); }
    return Object.assign({}, action, { manifestJson: manifest });
  }

  // ---- a Content Search 2.0 AnnotationPage as a 1.0 AnnotationList -------------------------

  function bodyText(annotation) {
    var bodies = asArray(annotation.body);
    for (var i = 0; i < bodies.length; i++) {
      var body = bodies[i];
      if (typeof body === "string") { return body; }
      if (body && typeof body.value === "string") { return body.value; }
    }
    return "";
  }

  function fragmentOf(selector) {
    var found = asArray(selector).find(function (s) {
      return s && (s.type === "FragmentSelector" || s["@type"] === "oa:FragmentSelector");
    });
    return found && found.value;
  }

  // "canvas#xywh=x,y,w,h", the form a 1.0 `on` takes.
  function targetOn(target) {
    var first = asArray(target)[0];
    if (typeof first === "string") { return first; }
    if (!first) { return null; }
    if (first.type === "SpecificResource" && first.source) {
      var source = idOf(first.source);
      var fragment = fragmentOf(first.selector);
      return fragment ? source + "#" + fragment : source;
    }
    return idOf(first);
  }

  function toResource(annotation) {
    return {
      "@id": annotation.id,
      "@type": "oa:Annotation",
      motivation: "sc:painting",
      resource: { "@type": "cnt:ContentAsText", chars: escapeHtml(bodyText(annotation)) },
      on: targetOn(annotation.target)
    };
  }

  function quoteOf(target) {
    return asArray(target.selector).find(function (s) {
      return s && s.type === "TextQuoteSelector";
    }) || {};
  }

  // One 2.0 highlighting/contextualizing annotation = one 1.0 hit; a match spanning several
  // annotations has several targets, whose quotes are joined.
  function toHit(annotation) {
    var targets = asArray(annotation.target).filter(function (t) { return t && t.source; });
    if (!targets.length) { return null; }
    var quotes = targets.map(quoteOf);
    return {
      "@type": "search:Hit",
      annotations: targets.map(function (t) { return idOf(t.source); }),
      match: escapeHtml(quotes.map(function (q) { return q.exact || ""; }).join(" ")),
      before: escapeHtml(quotes[0].prefix || ""),
      after: escapeHtml(quotes[quotes.length - 1].suffix || "")
    };
  }

  function hitsOf(page) {
    var hits = [];
    asArray(page.annotations).forEach(function (extra) {
      asArray(extra && extra.items).forEach(function (annotation) {
        var motivations = asArray(annotation.motivation);
        if (motivations.some(function (m) { return HIT_MOTIVATIONS.indexOf(m) >= 0; })) {
          var hit = toHit(annotation);
          if (hit) { hits.push(hit); }
        }
      });
    });
    return hits;
  }

  function totalOf(page, hits, resources) {
    var collection = page.partOf || asArray(page.annotations).map(function (a) {
      return a && a.partOf;
    }).find(Boolean);
    if (collection && typeof collection.total === "number") { return collection.total; }
    if (page.next) { return undefined; } // paged, total unknown
    return hits.length || resources.length;
  }

  function searchList(page) {
    var resources = asArray(page.items).filter(function (a) {
      return a && a.type === "Annotation";
    }).map(toResource);
    var hits = hitsOf(page);
    var list = {
      "@context": "http://iiif.io/api/search/1/context.json",
      "@id": page.id,
      "@type": "sc:AnnotationList",
      resources: resources,
      hits: hits,
      within: { "@type": "sc:Layer", total: totalOf(page, hits, resources) }
    };
    var next = idOf(page.next);
    if (next) { list.next = next; }
    return list;
  }

  function adaptSearch(url, action) {
    var json = action && action.searchJson;
    if (!json || json.type !== "AnnotationPage") { return action; }
    return Object.assign({}, action, { searchJson: searchList(json) });
  }

  // ---- Mirador 4.0.0's search panel asking again for results it shows ------------------------

  // The panel asks again for its query whenever it mounts (opening the page with a search,
  // coming back from another side panel): Mirador 4.0.0 then empties the results it shows until
  // the answer comes, and its hit list fails on the hits it still draws ("Cannot read properties
  // of undefined (reading 'targetId')"; ProjectMirador/mirador#4214, fixed after 4.0.0). Keeping
  // the shown results while the same search is asked again avoids the failure.
  function keepShownResults(searchesReducer, requestType) {
    return function (state, action) {
      if (state && action.type === requestType) {
        var shown = (state[action.windowId] || {})[action.companionWindowId] || {};
        var answer = shown.data && shown.data[action.searchId];
        if (shown.query === action.query && answer && answer.json) { return state; }
      }
      return searchesReducer(state, action);
    };
  }

  function plugins() {
    var M = window.Mirador;
    return [{
      name: "thuvien-keep-search-results",
      reducers: { searches: keepShownResults(M.searchesReducer, M.ActionTypes.REQUEST_SEARCH) }
    }];
  }

  // ---- start ---------------------------------------------------------------------------------

  function config(el) {
    var data = el.dataset;
    var language = data.language === "en" ? "en" : "vi";
    var query = (data.search || "").trim();
    var win = { manifestId: data.manifest };
    if (data.canvas) { win.canvasId = data.canvas; }
    if (query) { win.sideBarOpen = true; win.sideBarPanel = "search"; }
    return {
      id: el.id,
      language: language,
      availableLanguages: { vi: "Tiếng Việt", en: "English" },
      translations: { vi: VI },
      windows: [win],
      window: {
        allowClose: false,
        allowMaximize: false,
        allowFullscreen: true,
        defaultView: "single",
        // Opened at a given page: stay there rather than jump to the first hit of the search.
        switchCanvasOnSearch: !data.canvas,
        panels: {
          info: true, attribution: true, canvas: true, annotations: false, search: true,
          layers: false
        }
      },
      workspace: { allowNewWindows: false, isWorkspaceAddVisible: false, type: "mosaic" },
      workspaceControlPanel: { enabled: false },
      thumbnailNavigation: { defaultPosition: "far-bottom" },
      requests: { postprocessors: [adaptManifest, adaptSearch] }
    };
  }

  // The search a page opens with. Not Mirador's `defaultSearchQuery`: Mirador 4.0 puts that in the
  // URL unencoded, while its search panel then asks again with the query encoded, and the two
  // answers, filed under different URLs, show every hit twice (any query with a space or a
  // Vietnamese letter). Asked here with the panel's own encoding, the panel's repeat of it is
  // the same search (see keepShownResults).
  function searchOnOpen(viewer, query, canvasId) {
    var M = window.Mirador;
    var store = viewer.store;
    var asked = null;
    var unsubscribe = store.subscribe(function () {
      var state = store.getState();
      var windowId = M.getWindowIds(state)[0];
      if (!windowId) { return; }
      if (!asked) {
        var service = M.getManifestSearchService(state, { windowId: windowId });
        var panel = M.getCompanionWindowIdsForPosition(state, {
          position: "left", windowId: windowId
        })[0];
        if (!service) {
          // Manifest loaded without a search service: nothing to ask.
          if (M.getManifestoInstance(state, { windowId: windowId })) { unsubscribe(); }
          return;
        }
        if (!panel) { return; }
        asked = { panel: panel, url: service.id + "?" + new URLSearchParams({ q: query }) };
        store.dispatch(M.fetchSearch(windowId, panel, asked.url, query));
        return;
      }
      var results = (M.getSearchForWindow(state, { windowId: windowId }) || {})[asked.panel];
      var answer = results && results.data && results.data[asked.url];
      if (!answer || answer.isFetching) { return; }
      unsubscribe();
      // Opened at a given page: select the first hit on that page (Mirador does so on a page
      // change) instead of jumping to the first hit of the book.
      if (canvasId) { store.dispatch(M.setCanvas(windowId, canvasId)); }
    });
  }

  function start(el) {
    if (!el.id) { el.id = "viewer-" + Math.random().toString(36).slice(2); }
    // Mirador fills its container: give it a box when the page's CSS did not.
    if (!el.style.position) { el.style.position = "relative"; }
    if (!el.clientHeight) { el.style.height = el.dataset.height || "80vh"; }
    el.textContent = "";
    var viewer = window.Mirador.viewer(config(el), plugins());
    var query = (el.dataset.search || "").trim();
    if (query) { searchOnOpen(viewer, query, el.dataset.canvas); }
    return viewer;
  }

  function startAll() {
    if (!window.Mirador) { return; }
    // i18next, inside Mirador, otherwise prints an advertisement in the browser console.
    window.__i18next_supportNoticeShown = true;
    window.thuvienViewers = Array.prototype.map.call(
      document.querySelectorAll("[data-iiif-viewer]"), start
    );
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }

  // Exposed for tests of the adapter in a browser.
  window.thuvienViewerAdapter = { adaptManifest: adaptManifest, adaptSearch: adaptSearch };
}());
