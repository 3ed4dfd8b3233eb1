// Starts ReDoc on /api/redoc/ without inline script. ReDoc injects <style> elements (styled-components):
// handing it this script's nonce lets them pass the Content-Security-Policy.
(function () {
  "use strict";
  var nonce = document.currentScript ? document.currentScript.nonce : "";
  var container = document.getElementById("redoc-container");
  if (!container || typeof Redoc === "undefined") {
    return;
  }
  Redoc.init(container.dataset.schemaUrl, { nonce: nonce, disableSearch: true, hideLoading: true }, container);
})();
