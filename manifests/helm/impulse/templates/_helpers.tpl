{{/* Names and labels shared by the templates. */}}

{{/* The chart name, or nameOverride. */}}
{{- define "impulse.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's name prefix: "impulse" for a release called impulse, else <release>-impulse (or fullnameOverride). */}}
{{- define "impulse.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of the controller's Deployment, roles and bindings. */}}
{{- define "impulse.controller" -}}
{{- printf "%s-controller" (include "impulse.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "impulse.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "impulse.controller" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "impulse.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Selector labels: stable across upgrades. */}}
{{- define "impulse.selectorLabels" -}}
app.kubernetes.io/name: {{ include "impulse.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end }}

{{- define "impulse.labels" -}}
{{ include "impulse.selectorLabels" . }}
app.kubernetes.io/part-of: impulse
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* The API's labels: its own component, so the controller's selector never matches its pods. */}}
{{- define "impulse.apiSelectorLabels" -}}
app.kubernetes.io/name: {{ include "impulse.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: api
{{- end }}

{{- define "impulse.apiLabels" -}}
{{ include "impulse.apiSelectorLabels" . }}
app.kubernetes.io/part-of: impulse
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}
