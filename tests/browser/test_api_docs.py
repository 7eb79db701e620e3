"""The interactive API docs render offline: Swagger UI comes from our own static files."""


def test_api_docs_render_without_outside_requests(page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/api/v1/docs")
    # Swagger UI has fetched the schema and drawn the operations.
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Grassroots API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/units/{code}" in [p.replace("\u200b", "") for p in paths]
    assert any(url.endswith("/static/ninja/swagger-ui-bundle.js") for url in requests)
    assert any(url.endswith("/api/v1/openapi.json") for url in requests)
    # The `page` fixture fails the test if anything left the live server.
