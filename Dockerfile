# The playground as one container: `docker build -t nn-playground .`
# then `docker run -p 8501:8501 nn-playground` and open http://localhost:8501.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Limits for a shared classroom server (see README, "Deploy"); override with -e.
    PLAYGROUND_MAX_EPOCHS=50 \
    PLAYGROUND_MAX_SAMPLES=60000 \
    # Saved runs (database and model files) live on a volume, so they outlive the container.
    PLAYGROUND_DATA_DIR=/data

WORKDIR /app

# Dependencies first, so code changes do not reinstall TensorFlow.
COPY requirements.txt .
RUN pip install -r requirements.txt

# The frame and the three trees every lesson lives in (pages/<slug>.py, ui/<slug>/,
# nn_core/<slug>/): a new lesson needs no line here (a test checks that these are all).
COPY app.py ./
COPY .streamlit ./.streamlit
COPY nn_core ./nn_core
COPY pages ./pages
COPY ui ./ui

# Run as an unprivileged user.
RUN useradd --create-home playground && mkdir -p /data && chown -R playground /app /data
USER playground
VOLUME ["/data"]

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"

CMD ["streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0", "--server.headless=true"]
