// Small behaviours of the pages; everything works without them except the permalink.
(function () {
  "use strict";

  function encodeNote(text) {
    var bytes = new TextEncoder().encode(text);
    var binary = "";
    bytes.forEach(function (b) { binary += String.fromCharCode(b); });
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function decodeNote(value) {
    var b64 = value.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(b64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new TextDecoder().decode(bytes);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-autosubmit]")) target.form.submit();
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print],[data-copy],[data-show-more],#permalink") : null;
    if (!target) return;
    if (target.hasAttribute("data-print")) window.print();
    if (target.hasAttribute("data-copy") && navigator.clipboard) {
      navigator.clipboard.writeText(target.getAttribute("data-copy"));
    }
    if (target.hasAttribute("data-show-more")) {
      document.querySelectorAll(target.getAttribute("data-show-more") + " tr.more").forEach(function (row) {
        row.hidden = false;
        row.classList.remove("more");
      });
      target.remove();
    }
    if (target.id === "permalink") {
      // the note goes after '#': browsers never send that part to the server
      var note = document.getElementById("note");
      if (note && note.value) target.href = target.href.split("#")[0] + "#note=" + encodeNote(note.value);
    }
  });

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!target.matches || !target.matches("[data-filter]")) return;
    var wanted = target.value.trim().toLowerCase();
    document.querySelectorAll(target.getAttribute("data-filter")).forEach(function (row) {
      var match = !wanted || row.textContent.toLowerCase().indexOf(wanted) !== -1;
      row.hidden = !match || (!wanted && row.classList.contains("more"));
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    var hash = window.location.hash;
    var form = document.getElementById("check-form");
    if (form && hash.indexOf("#note=") === 0) {
      try {
        document.getElementById("note").value = decodeNote(hash.slice(6));
      } catch (e) {
        return;
      }
      form.requestSubmit();
    }
  });
})();
