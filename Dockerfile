# The sidecar image: `sidecar serve` (gunicorn) or `sidecar worker` (huey consumer), chosen by the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SIDECAR_VAR_DIR=/var/lib/nssync
WORKDIR /app
COPY pyproject.toml README.md ./
COPY sidecar ./sidecar
RUN pip install --no-cache-dir '.[postgres,redis]' \
 && useradd --system --home /var/lib/nssync nssync \
 && mkdir -p /var/lib/nssync && chown nssync /var/lib/nssync
USER nssync
VOLUME /var/lib/nssync
EXPOSE 8765
ENTRYPOINT ["sidecar"]
CMD ["serve"]
