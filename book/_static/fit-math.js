// Display equations that are wider than the text column are scaled down to fit, but never below
// MIN_SCALE of their size (smaller would be unreadable): an equation that still does not fit
// scrolls inside its box (book.css) and should be split in its chapter. Runs once MathJax has
// typeset the page, and again when the window is resized.
(function () {
  "use strict";
  var MIN_SCALE = 0.65;

  function fit() {
    var containers = document.querySelectorAll('mjx-container[display="true"]');
    for (var i = 0; i < containers.length; i++) {
      var box = containers[i];
      var math = box.querySelector("mjx-math");
      if (!math) continue;
      box.style.fontSize = "";
      var room = box.clientWidth;
      var needed = math.getBoundingClientRect().width;
      if (room > 0 && needed > room) {
        var scale = Math.max(MIN_SCALE, Math.floor((room / needed) * 1000) / 1000);
        box.style.fontSize = (scale * 100).toFixed(1) + "%";
        box.dataset.fitScale = scale.toFixed(3);
      } else {
        delete box.dataset.fitScale;
      }
    }
  }

  function start() {
    if (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) return false;
    MathJax.startup.promise.then(fit);
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(fit, 150);
    });
    return true;
  }

  // MathJax is loaded with `defer`, like this file; wait for it if it is not there yet.
  if (!start()) {
    document.addEventListener("DOMContentLoaded", function () {
      if (!start()) window.addEventListener("load", start);
    });
  }
})();
