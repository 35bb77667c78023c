# The privacy assistant as one image; compose.yaml runs each process in its own container from it.
# Build: docker build -t privacybot .   (installs from requirements.lock exactly as `make install` does)
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 privacybot

WORKDIR /app
COPY requirements.lock pyproject.toml ./
RUN python -m venv /venv \
 && /venv/bin/pip install --no-cache-dir --no-deps --ignore-requires-python -r requirements.lock
COPY . .
RUN /venv/bin/pip install --no-cache-dir --no-deps --no-build-isolation -e . \
 && /venv/bin/privacybot train \
 && mkdir -p /app/var/console/files \
 && chown -R privacybot /app

USER privacybot
ENV PATH=/venv/bin:$PATH \
    PRIVACYBOT_PROFILE=production \
    PRIVACYBOT_HOST=0.0.0.0 \
    PRIVACYBOT_DATA_DIR=/app/var
EXPOSE 5005 5055 8080 8090
CMD ["privacybot", "rasa-server"]
