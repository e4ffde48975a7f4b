// Start Swagger UI from our own copy (swagger-ui-bundle 4.x), reading the OpenAPI 3.0 translation of our
// schema (4.x cannot render 3.1). No validator badge: it would call an outside service.
"use strict";
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({url: "/openapi-3.0.json", dom_id: "#swagger-ui", deepLinking: true,
    validatorUrl: null, presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"});
});
