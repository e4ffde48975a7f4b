// Start Swagger UI from our own copy (swagger-ui-bundle), reading our OpenAPI schema.
"use strict";
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
});
