import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from wushe.core.filters import bootstrap
from wushe.people import selectors
from wushe.people.models import Resident, Tag


class ResidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    community = django_filters.ModelChoiceFilter(label=_("社区/村"), queryset=None, empty_label=_("全部社区"))
    tag = django_filters.ModelChoiceFilter(label=_("人员类别"), queryset=Tag.objects.filter(active=True),
                                           empty_label=_("全部类别"), method="with_tag")
    age = django_filters.ChoiceFilter(label=_("年龄段"), method="age_band", empty_label=_("全部年龄"),
                                      choices=[(k, v[0]) for k, v in selectors.AGE_BANDS.items()])
    income = django_filters.ChoiceFilter(label=_("困难类型"), choices=Resident.Income.choices[1:],
                                         empty_label=_("全部"))
    risk = django_filters.ChoiceFilter(label=_("风险等级"), choices=Resident.Risk.choices, empty_label=_("全部"))

    class Meta:
        model = Resident
        fields = ["q", "community", "tag", "age", "income", "risk"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communities = selectors.communities_for(user=user)
        self.filters["community"].queryset = communities
        self.form.fields["community"].queryset = communities
        self.form.fields["community"].label_from_instance = lambda d: d.short_name
        bootstrap(self.form)

    def search(self, queryset, name, value):
        return selectors.search(queryset, value)

    def with_tag(self, queryset, name, value):
        # EXISTS, not a join: the query then starts from the scope (an index range on the
        # community) and checks each resident's tag, instead of walking every holder of a
        # common tag across the whole city (1.1 s → milliseconds at a million residents).
        links = Resident.tags.through.objects.filter(resident_id=OuterRef("pk"), tag_id=value.pk)
        return queryset.filter(Exists(links))

    def age_band(self, queryset, name, value):
        return queryset.filter(selectors.born_between(value))
