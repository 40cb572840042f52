# The one image of every TrustPulse process (compose.yaml: web, worker, beat, migrate).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic needs the production settings' required variables: placeholders here only.
RUN SECRET_KEY=build ALLOWED_HOSTS=build RESPONDENT_ID_HMAC_KEY=build \
    DJANGO_SETTINGS_MODULE=trustpulse.settings.production \
    python manage.py collectstatic --noinput --verbosity 0
RUN useradd --system --uid 1000 trustpulse && mkdir -p /srv/media && chown trustpulse /srv/media
USER trustpulse
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
