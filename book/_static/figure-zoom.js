// A figure that the page shows smaller than it was drawn (on a phone, a wide figure is shown at a
// third of its size) becomes a link to the image itself: a tap opens it at full size, to read or
// zoom. Only the figures of notebook cells; the explorers' frames switch in place and are left alone.
(function () {
  "use strict";

  function linkShrunkFigures() {
    var images = document.querySelectorAll(".cell_output img:not(.nnlib-explorer-figure)");
    for (var i = 0; i < images.length; i++) {
      var img = images[i];
      var shrunk = img.naturalWidth > 0 && img.clientWidth > 0 && img.clientWidth < 0.9 * img.naturalWidth;
      var linked = img.parentElement && img.parentElement.classList.contains("nnlib-figure-link");
      if (!shrunk || linked || img.src.indexOf("data:") === 0) continue;
      var link = document.createElement("a");
      link.className = "nnlib-figure-link";
      link.href = img.src;
      link.title = "Open the figure at full size";
      img.parentElement.insertBefore(link, img);
      link.appendChild(img);
    }
  }

  if (document.readyState === "complete") linkShrunkFigures();
  else window.addEventListener("load", linkShrunkFigures);
  window.addEventListener("resize", linkShrunkFigures);
})();
