// Starts Swagger UI on /schema (core/api_docs.py): a file, not an inline script, so the page
// runs under the Content-Security-Policy that forbids inline scripts.
window.addEventListener("DOMContentLoaded", () => {
  const container = document.getElementById("swagger-container");
  const { specUrl, csrfCookie, csrfHeader } = container.dataset;
  const csrfToken = () =>
    document.cookie.split("; ").find((row) => row.startsWith(`${csrfCookie}=`))?.split("=")[1];
  window.ui = SwaggerUIBundle({
    url: specUrl,
    dom_id: "#swagger-container",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    // The public validator's badge is an image from another site: neither allowed nor wanted.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    requestInterceptor: (request) => {
      const token = csrfCookie && csrfToken();
      if (token !== undefined && token !== "") request.headers[csrfHeader] = token;
      return request;
    },
  });
});
