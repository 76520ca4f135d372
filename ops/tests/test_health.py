"""Seed 000's `/health` and the liveness `/api/v1/health`: no login, the seeds' shapes."""

URL, LIVENESS = "/health", "/api/v1/health"


def test_health_is_seed_000s_shape_without_auth(api, open_position):
    open_position()
    response = api[None].get(URL)
    assert response.status_code == 200
    assert response.json() == {"status": "healthy", "positions": 1, "risk_pct": 0.1}


def test_health_with_the_database_down_is_seed_000s_db_unavailable(api, db, database_down):
    with database_down():
        response = api[None].get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "unhealthy", "positions": 0, "risk_pct": 0.0, "error": "DB_UNAVAILABLE"}


def test_liveness_answers_without_the_database(api, db, database_down):
    with database_down():
        response = api[None].get(LIVENESS)
    assert (response.status_code, response.json()) == (200, {"status": "healthy"})
