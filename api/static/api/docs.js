// Swagger UI on the portal's OpenAPI document (templates/api/docs.html). A file, not an
// inline script: the Content-Security-Policy allows scripts from the portal's origin only.
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: node.getAttribute("data-schema-url"),
    domNode: node,
    deepLinking: true,
    // Requests from "Try it out" carry the session cookie of this page's login; the data
    // endpoints answer a token only ("Authorize": Token KEY).
    withCredentials: true,
    // No validator badge: it would call validator.swagger.io.
    validatorUrl: null,
  });
})();
