"""Seminars become records of their own (`Seminar`, `SeminarProgramme`); pages point to them.

Schema only: 0009 moves the data, 0010 removes the page fields and repoints registrations."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0008_search_key_for_the_one_search'),
        ('partners', '0002_expert_keywords_and_suggestion_vocabulary'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SeminarProgramme',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='名称')),
            ],
            options={
                'verbose_name': 'セミナーのシリーズ',
                'verbose_name_plural': 'セミナーのシリーズ',
            },
        ),
        migrations.CreateModel(
            name='HistoricalSeminarProgramme',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='名称')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical セミナーのシリーズ',
                'verbose_name_plural': 'historical セミナーのシリーズ',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Seminar',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('starts_at', models.DateTimeField(db_index=True, verbose_name='開始日時')),
                ('ends_at', models.DateTimeField(verbose_name='終了日時')),
                ('format', models.CharField(choices=[('venue', '会場'), ('online', 'オンライン'), ('hybrid', 'ハイブリッド')], max_length=10, verbose_name='開催形式')),
                ('venue_name', models.CharField(blank=True, max_length=200, verbose_name='会場名')),
                ('venue_address', models.CharField(blank=True, max_length=200, verbose_name='会場住所')),
                ('online_url', models.URLField(blank=True, help_text='公開されません。オンライン参加者にのみ送信します。', verbose_name='オンライン参加URL')),
                ('capacity_venue', models.PositiveIntegerField(blank=True, help_text='空欄は制限なし', null=True, verbose_name='会場定員')),
                ('capacity_online', models.PositiveIntegerField(blank=True, help_text='空欄は制限なし', null=True, verbose_name='オンライン定員')),
                ('guest_lecturers', models.TextField(blank=True, help_text='1行に1名', verbose_name='その他の講師')),
                ('registration_opens_at', models.DateTimeField(blank=True, null=True, verbose_name='申込開始')),
                ('registration_closes_at', models.DateTimeField(blank=True, null=True, verbose_name='申込締切')),
                ('is_cancelled', models.BooleanField(default=False, help_text='保存すると、申込者全員に中止のメールと予定表の取消しを送ります。', verbose_name='開催中止')),
                ('recorded_attendance', models.PositiveIntegerField(blank=True, help_text='本システム導入前のセミナーの参加者数。空欄なら受付済みの人数を使います。', null=True, verbose_name='参加者数（記録）')),
                ('lecturer_advisors', models.ManyToManyField(blank=True, related_name='seminars', to='partners.advisor', verbose_name='講師（アドバイザー）')),
                ('lecturer_companies', models.ManyToManyField(blank=True, related_name='seminars', to='partners.partnercompany', verbose_name='講師（パートナー）')),
                ('programme', models.ForeignKey(blank=True, help_text='複数の日程・会場で開くセミナーの一回として', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='seminars', to='events.seminarprogramme', verbose_name='シリーズ')),
            ],
            options={
                'verbose_name': 'セミナー（日程・会場）',
                'verbose_name_plural': 'セミナー（日程・会場）',
                'ordering': ['starts_at', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='seminarpage',
            name='seminar',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='pages', to='events.seminar', verbose_name='日程・会場'),
        ),
        migrations.CreateModel(
            name='HistoricalSeminar',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('starts_at', models.DateTimeField(db_index=True, verbose_name='開始日時')),
                ('ends_at', models.DateTimeField(verbose_name='終了日時')),
                ('format', models.CharField(choices=[('venue', '会場'), ('online', 'オンライン'), ('hybrid', 'ハイブリッド')], max_length=10, verbose_name='開催形式')),
                ('venue_name', models.CharField(blank=True, max_length=200, verbose_name='会場名')),
                ('venue_address', models.CharField(blank=True, max_length=200, verbose_name='会場住所')),
                ('online_url', models.URLField(blank=True, help_text='公開されません。オンライン参加者にのみ送信します。', verbose_name='オンライン参加URL')),
                ('capacity_venue', models.PositiveIntegerField(blank=True, help_text='空欄は制限なし', null=True, verbose_name='会場定員')),
                ('capacity_online', models.PositiveIntegerField(blank=True, help_text='空欄は制限なし', null=True, verbose_name='オンライン定員')),
                ('guest_lecturers', models.TextField(blank=True, help_text='1行に1名', verbose_name='その他の講師')),
                ('registration_opens_at', models.DateTimeField(blank=True, null=True, verbose_name='申込開始')),
                ('registration_closes_at', models.DateTimeField(blank=True, null=True, verbose_name='申込締切')),
                ('is_cancelled', models.BooleanField(default=False, help_text='保存すると、申込者全員に中止のメールと予定表の取消しを送ります。', verbose_name='開催中止')),
                ('recorded_attendance', models.PositiveIntegerField(blank=True, help_text='本システム導入前のセミナーの参加者数。空欄なら受付済みの人数を使います。', null=True, verbose_name='参加者数（記録）')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('programme', models.ForeignKey(blank=True, db_constraint=False, help_text='複数の日程・会場で開くセミナーの一回として', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='events.seminarprogramme', verbose_name='シリーズ')),
            ],
            options={
                'verbose_name': 'historical セミナー（日程・会場）',
                'verbose_name_plural': 'historical セミナー（日程・会場）',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='seminarpage',
            name='programme',
            field=models.ForeignKey(blank=True, help_text='複数の日程・会場があるときは、日程・会場の代わりにシリーズを選びます。', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='pages', to='events.seminarprogramme', verbose_name='シリーズ'),
        ),
    ]
