/* Loaded just before plotly.js, on chart pages only.
 *
 * plotly.js sets a few SVG style attributes with setAttribute("style", …)
 * (colour bars, heatmap images). The Content-Security-Policy blocks that
 * (style-src without 'unsafe-inline'), yet allows the same declarations
 * through the CSSOM. Route them there: markup sent by the server still
 * cannot carry a style attribute.
 */
(function () {
  "use strict";

  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (typeof name === "string" && name.toLowerCase() === "style" && this.style) {
      this.style.cssText = String(value);
      return;
    }
    return setAttribute.call(this, name, value);
  };
})();
